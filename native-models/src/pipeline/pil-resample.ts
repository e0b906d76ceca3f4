/**
 * Image resizing exactly as Pillow's `Image.resize` does it for 8-bit images (libImaging/Resample.c):
 * separable convolution, horizontal pass first into an 8-bit intermediate, coefficients normalised in
 * double precision then rounded to 22-bit fixed point, sums rounded by adding half and shifting.
 *
 * The reference pipeline resizes with Pillow (LANCZOS for the working image, BICUBIC in the Qwen2-VL
 * processor), so using the same arithmetic makes the model inputs byte-identical to diffusers'; libvips'
 * kernels agree on downscaling but differ by several levels when upscaling.
 */
import type { RgbImage } from './load-image';

export type PilFilter = 'lanczos' | 'bicubic';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

const sinc = (x: number) => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

/** Keys' cubic with a = −0.5, Pillow's BICUBIC (and torch's antialiased bicubic, which copies it). */
export function keysCubic(v: number): number {
  const a = -0.5;
  const x = Math.abs(v);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

const FILTERS: Record<PilFilter, { support: number; kernel: (x: number) => number }> = {
  lanczos: { support: 3, kernel: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  bicubic: { support: 2, kernel: keysCubic },
};

type Coefficients = { ksize: number; bounds: Int32Array; weights: Int32Array };

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for one axis. */
function coefficients(inSize: number, outSize: number, filter: PilFilter): Coefficients {
  const { support: baseSupport, kernel } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const pre = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = kernel((x + xmin - center + 0.5) * ss);
      pre[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const w = x < xmax && ww !== 0 ? pre[x]! / ww : x < xmax ? pre[x]! : 0;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

const clip8 = (ss: number) => {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** Resizes interleaved RGB8 to `width × height` the way Pillow's `Image.resize(size, filter)` does. */
export function resizeLikePil(image: RgbImage, width: number, height: number, filter: PilFilter): RgbImage {
  const { width: inW, height: inH, rgb } = image;
  if (inW === width && inH === height) return image;
  const needH = width !== inW;
  const needV = height !== inH;
  const horiz = coefficients(inW, width, filter);
  const vert = coefficients(inH, height, filter);
  // Rows the vertical pass reads; the horizontal pass only computes those.
  const yFirst = needV ? vert.bounds[0]! : 0;
  const yLast = needV ? vert.bounds[(height - 1) * 2]! + vert.bounds[(height - 1) * 2 + 1]! : inH;
  let src = rgb;
  let srcW = inW;
  let rowOffset = 0;
  if (needH) {
    const rows = yLast - yFirst;
    const tmp = new Uint8Array(width * rows * 3);
    const { ksize, bounds, weights } = horiz;
    for (let y = 0; y < rows; y++) {
      const inRow = (y + yFirst) * inW * 3;
      const outRow = y * width * 3;
      for (let xx = 0; xx < width; xx++) {
        const xmin = bounds[xx * 2]!;
        const xmax = bounds[xx * 2 + 1]!;
        const k = xx * ksize;
        let s0 = ONE / 2;
        let s1 = ONE / 2;
        let s2 = ONE / 2;
        for (let x = 0; x < xmax; x++) {
          const w = weights[k + x]!;
          const p = inRow + (x + xmin) * 3;
          s0 += rgb[p]! * w;
          s1 += rgb[p + 1]! * w;
          s2 += rgb[p + 2]! * w;
        }
        tmp[outRow + xx * 3] = clip8(s0);
        tmp[outRow + xx * 3 + 1] = clip8(s1);
        tmp[outRow + xx * 3 + 2] = clip8(s2);
      }
    }
    src = tmp;
    srcW = width;
    rowOffset = yFirst;
  }
  if (!needV) return { width, height, rgb: src === rgb ? Uint8Array.from(rgb) : src };
  const out = new Uint8Array(width * height * 3);
  const { ksize, bounds, weights } = vert;
  for (let yy = 0; yy < height; yy++) {
    const ymin = bounds[yy * 2]! - rowOffset;
    const ymax = bounds[yy * 2 + 1]!;
    const k = yy * ksize;
    for (let x = 0; x < srcW * 3; x++) {
      let s = ONE / 2;
      for (let y = 0; y < ymax; y++) s += src[(y + ymin) * srcW * 3 + x]! * weights[k + y]!;
      out[yy * srcW * 3 + x] = clip8(s);
    }
  }
  return { width, height, rgb: out };
}
