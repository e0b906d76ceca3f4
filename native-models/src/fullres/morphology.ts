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
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = data[i] === target ? 0 : FAR;
  const edge = borderIs === target ? 0 : FAR;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? edge : d[y * w + x]!);
  const D = Math.SQRT2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      d[i] = Math.min(d[i]!, at(x - 1, y) + 1, at(x, y - 1) + 1, at(x - 1, y - 1) + D, at(x + 1, y - 1) + D);
    }
  for (let y = h - 1; y >= 0; y--)
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      d[i] = Math.min(d[i]!, at(x + 1, y) + 1, at(x, y + 1) + 1, at(x + 1, y + 1) + D, at(x - 1, y + 1) + D);
    }
  return d;
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
