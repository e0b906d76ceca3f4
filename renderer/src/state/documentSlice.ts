/**
 * The open image and how it is viewed. The decoded pixels are not stored here (no class instances in the
 * store): `image.id` keys the bitmap in the canvas' image registry.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ImageInfo } from '../../../electron/shared/contract';
import type { AppState } from './appStore';
import {
  centredAt,
  fitView,
  IDENTITY_VIEW,
  zoomAround,
  type Point,
  type Size,
  type ViewTransform,
} from './viewTransform';

export type OpenImage = Readonly<{
  /** Keys the decoded bitmap in the image registry (a project version's image, usually). */
  id: string;
  name: string;
  width: number;
  height: number;
  format: ImageInfo['format'];
  byteLength: number;
}>;

/** `fit` follows the viewport when it is resized; `free` keeps the user's zoom and pan. */
export type ViewMode = 'fit' | 'free';

export type DocumentSlice = {
  image: OpenImage | null;
  viewport: Size;
  view: ViewTransform;
  viewMode: ViewMode;
  /**
   * Shows an image fitted to the viewport; with `keepView`, an image of the same size as the one shown
   * (another version of it) keeps the user's zoom and pan, so versions can be flipped through in place.
   */
  setImage(image: OpenImage, options?: { keepView?: boolean }): void;
  setViewport(size: Size): void;
  fitToView(): void;
  /** 100 %: one image pixel per screen pixel, centred (or around `anchor`). */
  zoomToActual(anchor?: Point): void;
  /** Multiplies the scale by `factor` (clamped), keeping the point under `anchor` still. */
  zoomBy(factor: number, anchor?: Point): void;
  panBy(dx: number, dy: number): void;
};

export const createDocumentSlice: StateCreator<AppState, [], [], DocumentSlice> = (set, get) => {
  const centre = (): Point => ({ x: get().viewport.width / 2, y: get().viewport.height / 2 });
  return {
    image: null,
    viewport: { width: 0, height: 0 },
    view: IDENTITY_VIEW,
    viewMode: 'fit',
    setImage: (image, options) => {
      const shown = get().image;
      const sameSize = shown && shown.width === image.width && shown.height === image.height;
      if (options?.keepView && sameSize) set({ image });
      else set({ image, viewMode: 'fit', view: fitView(image, get().viewport) });
    },
    setViewport: (size) => {
      const { image, viewMode, view } = get();
      const viewport = { width: Math.max(0, size.width), height: Math.max(0, size.height) };
      set({ viewport, view: image && viewMode === 'fit' ? fitView(image, viewport) : view });
    },
    fitToView: () => {
      const { image, viewport } = get();
      if (image) set({ viewMode: 'fit', view: fitView(image, viewport) });
    },
    zoomToActual: (anchor) => {
      const { image, viewport, view } = get();
      if (!image) return;
      set({ viewMode: 'free', view: anchor ? zoomAround(view, 1, anchor) : centredAt(image, viewport, 1) });
    },
    zoomBy: (factor, anchor) => {
      const { image, view } = get();
      if (!image || !(factor > 0)) return;
      set({ viewMode: 'free', view: zoomAround(view, view.scale * factor, anchor ?? centre()) });
    },
    panBy: (dx, dy) => {
      const { image, view } = get();
      if (!image) return;
      set({ viewMode: 'free', view: { ...view, x: view.x + dx, y: view.y + dy } });
    },
  };
};

export const selectZoomPercent = (s: AppState): number | null =>
  s.image ? Math.round(s.view.scale * 100) : null;
