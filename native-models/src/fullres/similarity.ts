/**
 * The residual drift model: a zoom about the image centre plus a shift, in working pixels.
 *
 * A point `p` of the input appears at `T(p) = c + scale·(p − c) + (tx, ty)` in the model's output, with
 * `c = ((W−1)/2, (H−1)/2)` the centre of the pixel grid (pixel-centre convention of `working-map.ts`).
 * Undoing the drift resamples the output at `T(p)` for every input pixel `p`.
 */
import type { RgbImage } from '../pipeline/load-image';
import type { Rect } from './working-map';

export type Similarity = Readonly<{ scale: number; tx: number; ty: number }>;

export const IDENTITY: Similarity = { scale: 1, tx: 0, ty: 0 };

/** Where input point (x, y) lands in the output of a `width × height` image. */
export function applySimilarity(
  t: Similarity,
  width: number,
  height: number,
  x: number,
  y: number,
): { x: number; y: number } {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return { x: cx + t.scale * (x - cx) + t.tx, y: cy + t.scale * (y - cy) + t.ty };
}

/** The largest displacement `|T(p) − p|` over the image (reached at a corner): the drift in pixels. */
export function maxDisplacement(t: Similarity, width: number, height: number): number {
  return transformDistance(t, IDENTITY, width, height);
}

/** The largest `|A(p) − B(p)|` over the image: how far apart two transforms put any pixel. */
export function transformDistance(a: Similarity, b: Similarity, width: number, height: number): number {
  let worst = 0;
  for (const [x, y] of [
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ] as const) {
    const p = applySimilarity(a, width, height, x, y);
    const q = applySimilarity(b, width, height, x, y);
    worst = Math.max(worst, Math.hypot(p.x - q.x, p.y - q.y));
  }
  return worst;
}

/**
 * The input pixels whose drifted position lies inside the output, so that `warpBySimilarity` has real data
 * for them: shrunk by `margin` (the interpolation's reach) and rounded inward. Outside it, a corrected
 * output only repeats its edge; those pixels are not the model's content and should not count as changed.
 */
export function validRect(t: Similarity, width: number, height: number, margin = 2): Rect {
  const range = (n: number, shift: number) => {
    const c = (n - 1) / 2;
    // Solve c + s·(p − c) + shift ∈ [margin, n − 1 − margin] for p.
    const a = c + (margin - c - shift) / t.scale;
    const b = c + (n - 1 - margin - c - shift) / t.scale;
    const lo = Math.max(0, Math.ceil(Math.min(a, b)));
    const hi = Math.min(n - 1, Math.floor(Math.max(a, b)));
    return [lo, Math.max(lo - 1, hi)] as const;
  };
  const [x0, x1] = range(width, t.tx);
  const [y0, y1] = range(height, t.ty);
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Catmull-Rom weights for fractional offset `f` (taps at −1, 0, 1, 2): sharper than bilinear, no ringing to speak of. */
function cubicWeights(f: number, w: Float64Array): void {
  const f2 = f * f;
  const f3 = f2 * f;
  w[0] = -0.5 * f3 + f2 - 0.5 * f;
  w[1] = 1.5 * f3 - 2.5 * f2 + 1;
  w[2] = -1.5 * f3 + 2 * f2 + 0.5 * f;
  w[3] = 0.5 * f3 - 0.5 * f2;
}

/**
 * Undoes the drift: `result(p) = output(T(p))`, Catmull-Rom interpolated, edges clamped (a zoom-in leaves
 * no data beyond the border; repeating the edge keeps those few pixels plausible and the mask ignores them).
 * The transform's separable form (no rotation) lets the weights be computed once per column and row.
 */
export function warpBySimilarity(output: RgbImage, t: Similarity): RgbImage {
  const { width, height, rgb } = output;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const taps = (n: number, c: number, shift: number) => {
    const idx = new Int32Array(n * 4);
    const wts = new Float64Array(n * 4);
    const w = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      const q = c + t.scale * (i - c) + shift;
      const q0 = Math.floor(q);
      cubicWeights(q - q0, w);
      for (let k = 0; k < 4; k++) {
        idx[i * 4 + k] = Math.min(n - 1, Math.max(0, q0 - 1 + k));
        wts[i * 4 + k] = w[k]!;
      }
    }
    return { idx, wts };
  };
  const xs = taps(width, cx, t.tx);
  const ys = taps(height, cy, t.ty);
  // Horizontal pass into float rows, then vertical.
  const tmp = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < 4; k++) {
        const s = row + xs.idx[x * 4 + k]! * 3;
        const w = xs.wts[x * 4 + k]!;
        r += w * rgb[s]!;
        g += w * rgb[s + 1]!;
        b += w * rgb[s + 2]!;
      }
      const d = row + x * 3;
      tmp[d] = r;
      tmp[d + 1] = g;
      tmp[d + 2] = b;
    }
  }
  const out = new Uint8Array(width * height * 3);
  const stride = width * 3;
  for (let y = 0; y < height; y++) {
    const i0 = ys.idx[y * 4]! * stride;
    const i1 = ys.idx[y * 4 + 1]! * stride;
    const i2 = ys.idx[y * 4 + 2]! * stride;
    const i3 = ys.idx[y * 4 + 3]! * stride;
    const w0 = ys.wts[y * 4]!;
    const w1 = ys.wts[y * 4 + 1]!;
    const w2 = ys.wts[y * 4 + 2]!;
    const w3 = ys.wts[y * 4 + 3]!;
    const d = y * stride;
    for (let k = 0; k < stride; k++) {
      const v = w0 * tmp[i0 + k]! + w1 * tmp[i1 + k]! + w2 * tmp[i2 + k]! + w3 * tmp[i3 + k]!;
      out[d + k] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { width, height, rgb: out };
}
