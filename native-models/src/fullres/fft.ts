/**
 * In-place radix-2 complex FFT, 1-D and 2-D, on split real/imaginary float64 arrays. Only what phase
 * correlation needs: power-of-two sizes, forward and inverse (the inverse is scaled by 1/n).
 */

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Transforms `n` complex values starting at `offset` with `stride` between them. */
function fft1(
  re: Float64Array,
  im: Float64Array,
  n: number,
  offset: number,
  stride: number,
  inverse: boolean,
) {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = offset + i * stride;
      const b = offset + j * stride;
      let t = re[a]!;
      re[a] = re[b]!;
      re[b] = t;
      t = im[a]!;
      im[a] = im[b]!;
      im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = offset + (i + k) * stride;
        const b = offset + (i + k + half) * stride;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[offset + i * stride]! /= n;
      im[offset + i * stride]! /= n;
    }
  }
}

/** 2-D FFT of a row-major `height × width` complex array, both sides powers of two. */
export function fft2d(
  re: Float64Array,
  im: Float64Array,
  width: number,
  height: number,
  inverse = false,
): void {
  if (!isPowerOfTwo(width) || !isPowerOfTwo(height))
    throw new Error(`FFT size ${width}x${height} is not 2^k`);
  if (re.length !== width * height || im.length !== width * height)
    throw new Error('FFT buffer size mismatch');
  for (let y = 0; y < height; y++) fft1(re, im, width, y * width, 1, inverse);
  // Columns are gathered into contiguous buffers: strided butterflies over a large array miss the cache.
  const cr = new Float64Array(height);
  const ci = new Float64Array(height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      cr[y] = re[y * width + x]!;
      ci[y] = im[y * width + x]!;
    }
    fft1(cr, ci, height, 0, 1, inverse);
    for (let y = 0; y < height; y++) {
      re[y * width + x] = cr[y]!;
      im[y * width + x] = ci[y]!;
    }
  }
}
