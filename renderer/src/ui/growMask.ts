/**
 * Grows or shrinks a mask by a radius in pixels (issue 13 §3), by exact Euclidean distance, so a grown box gets
 * round corners as a brush would make them. The mask is one byte a pixel, on where ≥ 128; the answer is 0/255.
 */

/** Squared distance from each pixel to the nearest pixel where `seed` is true (Infinity when there is none). */
function squaredDistances(seed: (i: number) => boolean, width: number, height: number): Float64Array {
  const d = new Float64Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = seed(i) ? 0 : Infinity;
  const line = new Float64Array(Math.max(width, height));
  const out = new Float64Array(Math.max(width, height));
  const v = new Int32Array(Math.max(width, height));
  const z = new Float64Array(Math.max(width, height) + 1);
  // Felzenszwalb & Huttenlocher's lower envelope of parabolas, once along columns and once along rows.
  const pass = (n: number, get: (k: number) => number, put: (k: number, value: number) => void) => {
    for (let k = 0; k < n; k++) line[k] = get(k);
    let hull = -1;
    for (let q = 0; q < n; q++) {
      if (line[q] === Infinity) continue;
      while (hull >= 0) {
        const p = v[hull]!;
        const s = (line[q]! + q * q - (line[p]! + p * p)) / (2 * (q - p));
        if (s > z[hull]!) break;
        hull--;
      }
      hull++;
      v[hull] = q;
      z[hull] =
        hull === 0
          ? -Infinity
          : (line[q]! + q * q - (line[v[hull - 1]!]! + v[hull - 1]! ** 2)) / (2 * (q - v[hull - 1]!));
      z[hull + 1] = Infinity;
    }
    if (hull < 0) {
      for (let k = 0; k < n; k++) put(k, Infinity);
      return;
    }
    for (let q = 0, j = 0; q < n; q++) {
      while (z[j + 1]! < q) j++;
      const p = v[j]!;
      out[q] = (q - p) * (q - p) + line[p]!;
    }
    for (let k = 0; k < n; k++) put(k, out[k]!);
  };
  for (let x = 0; x < width; x++)
    pass(
      height,
      (y) => d[y * width + x]!,
      (y, value) => (d[y * width + x] = value),
    );
  for (let y = 0; y < height; y++)
    pass(
      width,
      (x) => d[y * width + x]!,
      (x, value) => (d[y * width + x] = value),
    );
  return d;
}

/**
 * `radius` > 0: every pixel within `radius` of the mask joins it; < 0: every mask pixel within `-radius` of an
 * unmasked pixel leaves it (the image's edge is not such a pixel: a region touching the edge keeps touching it).
 */
export function growMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const on = (i: number) => mask[i]! >= 128;
  const out = new Uint8Array(width * height);
  if (radius === 0) {
    for (let i = 0; i < out.length; i++) out[i] = on(i) ? 255 : 0;
    return out;
  }
  const r2 = radius * radius;
  if (radius > 0) {
    const d = squaredDistances(on, width, height);
    for (let i = 0; i < out.length; i++) out[i] = d[i]! <= r2 ? 255 : 0;
  } else {
    const d = squaredDistances((i) => !on(i), width, height);
    for (let i = 0; i < out.length; i++) out[i] = on(i) && d[i]! > r2 ? 255 : 0;
  }
  return out;
}
