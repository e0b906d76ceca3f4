/**
 * Where the next edit may change pixels (design.md §5): a box, brushed strokes and lassos in image pixels, a
 * mask restored from a version's recipe, grown or shrunk by some pixels and optionally inverted (issue 13 §3).
 * Region changes are recorded for UI undo.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

export type Box = Readonly<{ x: number; y: number; width: number; height: number }>;
/** A brush line of `radius`, or with `shape: 'lasso'` the filled polygon its points outline. */
export type Stroke = Readonly<{
  mode: 'paint' | 'erase';
  radius: number;
  points: readonly number[];
  shape?: 'lasso';
}>;
/** A mask image (white = editable) a version's recipe recorded; drawn at whatever size the image has now. */
export type BaseMask = Readonly<{ png: Uint8Array; width: number; height: number }>;
/** The region as plain data: what the history records and restores. */
export type RegionState = Readonly<{
  box: Box | null;
  strokes: readonly Stroke[];
  base?: BaseMask;
  /** Pixels to grow the region by (negative: shrink), before inverting. */
  grow?: number;
  /** The edit may change everything except the region drawn. */
  invert?: boolean;
}>;

/** How far a region can be grown or shrunk, in image pixels. */
export const GROW_RANGE = { min: -128, max: 128 } as const;

export const EMPTY_REGION: RegionState = { box: null, strokes: [] };

export type RegionSlice = {
  region: RegionState;
  maskVisible: boolean;
  /** Replaces the region; `record` puts the change on the UI undo stack. */
  setRegion(region: RegionState, record?: boolean): void;
  setBox(box: Box | null): void;
  addStroke(stroke: Stroke): void;
  clearRegion(): void;
  setMaskVisible(visible: boolean): void;
  /** Grows (positive) or shrinks the region by whole pixels, or inverts it. */
  setRegionOptions(options: { grow?: number; invert?: boolean }): void;
};

/** A box from two corner points, clamped to the image and at least one pixel wide. */
export function boxFromPoints(
  a: { x: number; y: number },
  b: { x: number; y: number },
  image: { width: number; height: number },
): Box | null {
  const x0 = Math.max(0, Math.min(a.x, b.x));
  const y0 = Math.max(0, Math.min(a.y, b.y));
  const x1 = Math.min(image.width, Math.max(a.x, b.x));
  const y1 = Math.min(image.height, Math.max(a.y, b.y));
  const x = Math.floor(x0);
  const y = Math.floor(y0);
  const width = Math.ceil(x1) - x;
  const height = Math.ceil(y1) - y;
  return width >= 1 && height >= 1 ? { x, y, width, height } : null;
}

export function hasRegion(region: RegionState): boolean {
  return region.box !== null || region.base !== undefined || region.strokes.some((s) => s.mode === 'paint');
}

/** Anything but a plain box needs a mask image: strokes, lassos, a restored mask, grow/shrink or invert. */
export function needsMaskImage(region: RegionState): boolean {
  return !(region.box && region.strokes.length === 0 && !region.base && !region.grow && !region.invert);
}

/**
 * A box moved to an image of another size: the same image content, grown outwards to whole pixels so nothing
 * that was inside drops out.
 */
export function scaleBox(box: Box, sx: number, sy: number): Box {
  const x = Math.floor(box.x * sx);
  const y = Math.floor(box.y * sy);
  return {
    x,
    y,
    width: Math.max(1, Math.ceil((box.x + box.width) * sx) - x),
    height: Math.max(1, Math.ceil((box.y + box.height) * sy) - y),
  };
}

/** A region drawn on one version, for a version of another size: it covers the same image content. */
export function scaleRegion(region: RegionState, sx: number, sy: number): RegionState {
  const radius = Math.sqrt(sx * sy);
  return {
    ...region,
    ...(region.grow ? { grow: Math.round(region.grow * radius) } : {}),
    box: region.box && scaleBox(region.box, sx, sy),
    strokes: region.strokes.map((s) => ({
      ...s,
      radius: s.radius * radius,
      points: s.points.map((v, i) => v * (i % 2 === 0 ? sx : sy)),
    })),
  };
}

export const createRegionSlice: StateCreator<AppState, [], [], RegionSlice> = (set, get) => {
  const change = (region: RegionState, record: boolean) => {
    const before = get().region;
    if (before === region) return;
    // A region the user changes is shown again (a run hides it: issue 13 §3).
    set(record ? { region, maskVisible: true } : { region });
    if (record) get().recordHistory({ kind: 'region', label: 'region', before, after: region });
  };
  return {
    region: EMPTY_REGION,
    maskVisible: true,
    setRegion: (region, record = true) => change(region, record),
    setBox: (box) => change({ ...get().region, box }, true),
    addStroke: (stroke) => change({ ...get().region, strokes: [...get().region.strokes, stroke] }, true),
    clearRegion: () => {
      if (hasRegion(get().region) || get().region.strokes.length > 0) change(EMPTY_REGION, true);
    },
    setMaskVisible: (maskVisible) => set({ maskVisible }),
    setRegionOptions: ({ grow, invert }) => {
      const region = get().region;
      const next = { ...region };
      if (grow !== undefined)
        next.grow = Math.max(GROW_RANGE.min, Math.min(GROW_RANGE.max, Math.round(grow) || 0));
      if (invert !== undefined) next.invert = invert;
      if (next.grow === region.grow && next.invert === region.invert) return;
      change(next, true);
    },
  };
};
