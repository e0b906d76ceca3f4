/**
 * Binary morphology on masks through a chamfer distance transform (steps 1 and √2): opening, closing,
 * dilation by any radius in two linear passes, with near-round structuring elements, and the distance to
 * the mask's edge for feathering.
 */

/** A binary mask, one byte per pixel, 1 = set. */
export type BinaryMask = Readonly<{ width: number; height: number; data: Uint8Array }>;

const FAR = 1e9;

/**
 * Distance from every pixel to the nearest pixel whose value is `target`. `borderIs` says what lies
 * beyond the image: counting the outside as set keeps an edit that touches the border from being eroded
 * or feathered away there.
 */
export function distanceTo(mask: BinaryMask, target: 0 | 1, borderIs: 0 | 1 | null = null): Float32Array {
  const { width: w, height: h, data } = mask;
  // A one-pixel frame holding what lies beyond the border keeps the inner loops free of bounds checks.
  const pw = w + 2;
  const d = new Float32Array(pw * (h + 2)).fill(borderIs === target ? 0 : FAR);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) d[(y + 1) * pw + x + 1] = data[y * w + x] === target ? 0 : FAR;
  const D = Math.SQRT2;
  for (let y = 1; y <= h; y++)
    for (let i = y * pw + 1, end = i + w; i < end; i++) {
      const v = d[i]!;
      if (v === 0) continue;
      d[i] = Math.min(v, d[i - 1]! + 1, d[i - pw]! + 1, d[i - pw - 1]! + D, d[i - pw + 1]! + D);
    }
  for (let y = h; y >= 1; y--)
    for (let i = y * pw + w, end = y * pw; i > end; i--) {
      const v = d[i]!;
      if (v === 0) continue;
      d[i] = Math.min(v, d[i + 1]! + 1, d[i + pw]! + 1, d[i + pw + 1]! + D, d[i + pw - 1]! + D);
    }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) out.set(d.subarray((y + 1) * pw + 1, (y + 1) * pw + 1 + w), y * w);
  return out;
}

export function dilate(mask: BinaryMask, radius: number): BinaryMask {
  if (radius <= 0) return mask;
  const d = distanceTo(mask, 1);
  const data = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) data[i] = d[i]! <= radius ? 1 : 0;
  return { width: mask.width, height: mask.height, data };
}

export function erode(mask: BinaryMask, radius: number): BinaryMask {
  if (radius <= 0) return mask;
  const d = distanceTo(mask, 0, 1);
  const data = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) data[i] = d[i]! > radius ? 1 : 0;
  return { width: mask.width, height: mask.height, data };
}

/** Removes specks narrower than about 2·radius. */
export function open(mask: BinaryMask, radius: number): BinaryMask {
  return dilate(erode(mask, radius), radius);
}

/** Fills holes and gaps narrower than about 2·radius. */
export function close(mask: BinaryMask, radius: number): BinaryMask {
  return erode(dilate(mask, radius), radius);
}
