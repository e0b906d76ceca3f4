/**
 * The changed area of an edit (issue 12 §1): where the aligned model output differs from the input at
 * working size, or the user's region when one was given. The result is a feathered weight in [0, 1] that
 * is 1 over the whole detected change and ramps to exactly 0 within the dilation margin, so the paste-back
 * blends softly but never touches a pixel the mask does not reach.
 */
import type { RgbImage } from '../pipeline/load-image';
import { close, dilate, distanceTo, open } from './morphology';
import type { BinaryMask } from './morphology';
import type { Rect } from './working-map';

/** Per-pixel edit weight in [0, 1] (same shape as the pipeline's `Alpha`). */
export type Mask = Readonly<{ width: number; height: number; alpha: Float32Array }>;

export type ChangedAreaOptions = Readonly<{
  /** Difference (max over R, G, B of the 3×3-averaged images, levels of 255) that counts as a change. */
  threshold?: number;
  /** Opening radius: drops isolated specks of VAE/resampling noise. */
  open?: number;
  /** Closing radius: merges nearby changed fragments into one area. */
  close?: number;
  /** Growth beyond the detected change (working px); the feather ramp lies in it. */
  dilate?: number;
  /** Width of the soft edge (working px), measured inward from the mask's edge. */
  feather?: number;
  /** Only differences inside this rectangle count (e.g. `correctDrift`'s `valid`); default: everywhere. */
  within?: Rect | null;
}>;

export const CHANGED_AREA_DEFAULTS: Required<ChangedAreaOptions> = {
  threshold: 20,
  open: 1,
  close: 6,
  dilate: 8,
  feather: 6,
  within: null,
};

/** Max-over-channels absolute difference of the two images after a 3×3 box average (separable). */
export function differenceMap(a: RgbImage, b: RgbImage): Float32Array {
  if (a.width !== b.width || a.height !== b.height) throw new Error('difference needs equal sizes');
  const { width: w, height: h } = a;
  const n = w * h;
  const diff = new Float32Array(n);
  const plane = new Float32Array(n);
  const rows = new Float32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) plane[i] = a.rgb[i * 3 + c]! - b.rgb[i * 3 + c]!;
    for (let y = 0; y < h; y++) {
      const r = y * w;
      for (let x = 0; x < w; x++) {
        const l = x > 0 ? plane[r + x - 1]! : 0;
        const m = plane[r + x]!;
        const rr = x < w - 1 ? plane[r + x + 1]! : 0;
        rows[r + x] = (l + m + rr) / (x > 0 && x < w - 1 ? 3 : 2);
      }
    }
    for (let y = 0; y < h; y++) {
      const up = y > 0 ? -w : 0;
      const down = y < h - 1 ? w : 0;
      const count = (up ? 1 : 0) + (down ? 1 : 0) + 1;
      for (let x = 0, i = y * w; x < w; x++, i++) {
        const v = Math.abs((rows[i]! + (up ? rows[i + up]! : 0) + (down ? rows[i + down]! : 0)) / count);
        if (v > diff[i]!) diff[i] = v;
      }
    }
  }
  return diff;
}

/** Coverage 1 inside the edge, smoothstep down to 0 at the edge, over `feather` px (image border counts as inside). */
export function featherInward(mask: BinaryMask, feather: number): Mask {
  const alpha = new Float32Array(mask.data.length);
  if (feather <= 0) {
    for (let i = 0; i < alpha.length; i++) alpha[i] = mask.data[i]!;
  } else {
    // Distance to the nearest unset pixel: 1 for the outermost set ring, so its weight is small but not 0.
    const d = distanceTo(mask, 0);
    for (let i = 0; i < alpha.length; i++) {
      if (!mask.data[i]) continue;
      const t = Math.min(1, d[i]! / (feather + 1));
      alpha[i] = t * t * (3 - 2 * t);
    }
  }
  return { width: mask.width, height: mask.height, alpha };
}

/** The tight bounding box of the pixels with weight > 0, or null when none. */
export function maskBounds(mask: Mask): Rect | null {
  const { width: w, height: h, alpha } = mask;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (alpha[y * w + x]! > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Detects the changed area: difference → threshold → open → close → dilate → feather. */
export function changedAreaMask(input: RgbImage, aligned: RgbImage, options: ChangedAreaOptions = {}): Mask {
  const o = { ...CHANGED_AREA_DEFAULTS, ...options };
  const diff = differenceMap(input, aligned);
  const data = new Uint8Array(diff.length);
  const w = input.width;
  const r = o.within ?? { x: 0, y: 0, width: w, height: input.height };
  for (let y = Math.max(0, r.y); y < Math.min(input.height, r.y + r.height); y++)
    for (let x = Math.max(0, r.x); x < Math.min(w, r.x + r.width); x++)
      data[y * w + x] = diff[y * w + x]! >= o.threshold ? 1 : 0;
  let m: BinaryMask = { width: input.width, height: input.height, data };
  m = open(m, o.open);
  m = close(m, o.close);
  m = dilate(m, o.dilate);
  return featherInward(m, o.feather);
}

/**
 * The user's region as the mask: a box in working pixels (see `sourceRectToWorking`) or a coverage
 * image at working size. It is only feathered inward, never grown: outside the user's region nothing
 * may change.
 */
export function regionMask(
  width: number,
  height: number,
  region: Rect | Mask,
  feather = CHANGED_AREA_DEFAULTS.feather,
): Mask {
  const data = new Uint8Array(width * height);
  if ('alpha' in region) {
    if (region.width !== width || region.height !== height) throw new Error('region mask size differs');
    for (let i = 0; i < data.length; i++) data[i] = region.alpha[i]! > 0 ? 1 : 0;
    const f = featherInward({ width, height, data }, feather);
    for (let i = 0; i < data.length; i++) f.alpha[i] = f.alpha[i]! * region.alpha[i]!;
    return f;
  }
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(width, Math.ceil(region.x + region.width));
  const y1 = Math.min(height, Math.ceil(region.y + region.height));
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + Math.max(x0, x1));
  return featherInward({ width, height, data }, feather);
}
