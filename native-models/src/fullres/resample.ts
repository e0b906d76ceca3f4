/**
 * Separable resampling of one rectangle of a resized image, computed row by row, without resizing the
 * whole image: paste-back upscales only the changed area to source resolution, and memory stays bounded
 * by that area (plus a few working rows).
 *
 * The weights are those of the full resize (`srcW → dstW`) with the pixel-centre convention of
 * `working-map.ts` (`u_src = (i + ½)·srcW/dstW − ½`), so a rectangle lands exactly where it would in a
 * whole-image resize. Not sharp: its kernel resizes (lanczos3, cubic, linear) put upscaled content
 * +0.5 output px right and down of that convention (measured with sharp 0.35 at 2.5× to 10×), a visible
 * seam on a paste-back; and it cannot hand back one rectangle of a resize cheaply.
 */
import type { Rect } from './working-map';

export type Kernel = 'lanczos3' | 'linear';

/** Interleaved samples: `width·height·channels` values. */
export type Plane = Readonly<{ width: number; height: number; channels: number; data: ArrayLike<number> }>;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const KERNELS: Record<Kernel, { support: number; fn: (x: number) => number }> = {
  lanczos3: { support: 3, fn: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) },
  linear: { support: 1, fn: (x) => Math.max(0, 1 - Math.abs(x)) },
};

type Taps = { first: Int32Array; count: number; weights: Float64Array };

/**
 * Weights for output indices `[from, from + n)` of a `srcN → dstN` resize. Downscaling widens the kernel
 * (antialiasing, as Pillow does); taps beyond the edge are dropped and the rest renormalised.
 */
function taps(srcN: number, dstN: number, from: number, n: number, kernel: Kernel): Taps {
  const { support, fn } = KERNELS[kernel];
  const scale = srcN / dstN;
  const stretch = Math.max(1, scale);
  const reach = support * stretch;
  const count = Math.ceil(reach) * 2 + 1;
  const first = new Int32Array(n);
  const weights = new Float64Array(n * count);
  for (let i = 0; i < n; i++) {
    const centre = (from + i + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - reach));
    const hi = Math.min(srcN - 1, Math.floor(centre + reach));
    first[i] = lo;
    let sum = 0;
    for (let j = lo; j <= hi && j - lo < count; j++) {
      const wt = fn((j - centre) / stretch);
      weights[i * count + (j - lo)] = wt;
      sum += wt;
    }
    if (sum !== 0) for (let k = 0; k < count; k++) weights[i * count + k]! /= sum;
  }
  return { first, count, weights };
}

/**
 * Resamples `src` as if resized to `dst`, computing only `region` (in `dst` pixels) and handing each of
 * its rows to `onRow` (`region.width·channels` values, unrounded; the buffer is reused between calls).
 */
export function resampleRegion(
  src: Plane,
  dst: Readonly<{ width: number; height: number }>,
  region: Rect,
  kernel: Kernel,
  onRow: (y: number, row: Float32Array) => void,
): void {
  const ch = src.channels;
  const tx = taps(src.width, dst.width, region.x, region.width, kernel);
  const ty = taps(src.height, dst.height, region.y, region.height, kernel);
  if (region.width <= 0 || region.height <= 0) return;
  // Source rows the region needs, filtered horizontally once each.
  let rowLo = src.height;
  let rowHi = -1;
  for (let i = 0; i < region.height; i++) {
    rowLo = Math.min(rowLo, ty.first[i]!);
    rowHi = Math.max(rowHi, Math.min(src.height - 1, ty.first[i]! + ty.count - 1));
  }
  const rw = region.width * ch;
  const horiz = new Float32Array((rowHi - rowLo + 1) * rw);
  // Each source row is copied into a float buffer first: one monomorphic array type in the hot loop
  // (the source may be bytes or floats), which V8 compiles several times faster.
  const line = new Float32Array(src.width * ch);
  const data = src.data;
  const { count, first, weights } = tx;
  for (let sy = rowLo; sy <= rowHi; sy++) {
    const base = sy * src.width * ch;
    for (let i = 0; i < line.length; i++) line[i] = data[base + i]!;
    const out = (sy - rowLo) * rw;
    for (let x = 0; x < region.width; x++) {
      const wBase = x * count;
      const p0 = first[x]! * ch;
      if (ch === 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0, p = p0; k < count; k++, p += 3) {
          const wt = weights[wBase + k]!;
          if (wt === 0) continue;
          r += wt * line[p]!;
          g += wt * line[p + 1]!;
          b += wt * line[p + 2]!;
        }
        horiz[out + x * 3] = r;
        horiz[out + x * 3 + 1] = g;
        horiz[out + x * 3 + 2] = b;
      } else {
        for (let c = 0; c < ch; c++) {
          let v = 0;
          for (let k = 0; k < count; k++) {
            const wt = weights[wBase + k]!;
            if (wt !== 0) v += wt * line[p0 + k * ch + c]!;
          }
          horiz[out + x * ch + c] = v;
        }
      }
    }
  }
  const row = new Float32Array(rw);
  for (let y = 0; y < region.height; y++) {
    row.fill(0);
    const f = ty.first[y]!;
    for (let k = 0; k < ty.count; k++) {
      const wt = ty.weights[y * ty.count + k]!;
      if (wt === 0) continue;
      const off = (f + k - rowLo) * rw;
      for (let i = 0; i < rw; i++) row[i] = row[i]! + wt * horiz[off + i]!;
    }
    onRow(region.y + y, row);
  }
}
