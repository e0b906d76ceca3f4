/**
 * Pure view math for the canvas: where the image sits on screen. A view maps image pixel (ix, iy) to
 * screen pixel (x + ix·scale, y + iy·scale), screen being the canvas area's top-left corner.
 */
export type ViewTransform = Readonly<{ scale: number; x: number; y: number }>;
export type Size = Readonly<{ width: number; height: number }>;
export type Point = Readonly<{ x: number; y: number }>;

/** 2 % to 3200 %: the range Photoshop and Figma offer; beyond it nothing useful is visible. */
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;
/** Room left around a fitted image so its edges are visible against the canvas background. */
export const FIT_PADDING = 24;

export const IDENTITY_VIEW: ViewTransform = { scale: 1, x: 0, y: 0 };

export function clampScale(scale: number): number {
  if (!Number.isFinite(scale)) return 1;
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The whole image visible and centred, as large as the viewport allows (small images are enlarged too). */
export function fitView(image: Size, viewport: Size, padding = FIT_PADDING): ViewTransform {
  if (image.width <= 0 || image.height <= 0 || viewport.width <= 0 || viewport.height <= 0)
    return IDENTITY_VIEW;
  const room = (side: number) => Math.max(1, side - 2 * padding);
  const scale = clampScale(
    Math.min(room(viewport.width) / image.width, room(viewport.height) / image.height),
  );
  return centredAt(image, viewport, scale);
}

/** The image at `scale`, centred in the viewport. */
export function centredAt(image: Size, viewport: Size, scale: number): ViewTransform {
  const s = clampScale(scale);
  return { scale: s, x: (viewport.width - image.width * s) / 2, y: (viewport.height - image.height * s) / 2 };
}

/** Zooms to `scale` (clamped) keeping the image point under `anchor` (screen coordinates) where it is. */
export function zoomAround(view: ViewTransform, scale: number, anchor: Point): ViewTransform {
  const s = clampScale(scale);
  const k = s / view.scale;
  return { scale: s, x: anchor.x - (anchor.x - view.x) * k, y: anchor.y - (anchor.y - view.y) * k };
}

/** Wheel delta (pixels, as Chromium reports them) to a zoom factor: one notch (100 px) is about ×1.2. */
export function wheelZoomFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  // Clamp per event so a fast flick or a huge trackpad delta cannot jump many steps at once.
  const bounded = Math.max(-300, Math.min(300, pixels));
  return Math.exp(-bounded * 0.0018);
}

export function screenToImage(view: ViewTransform, p: Point): Point {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale };
}

export function imageToScreen(view: ViewTransform, p: Point): Point {
  return { x: view.x + p.x * view.scale, y: view.y + p.y * view.scale };
}
