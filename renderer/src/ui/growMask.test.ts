import { describe, expect, it } from 'vitest';
import { growMask } from './growMask';

/** The plain definition: a pixel's distance to every pixel of the other kind, the nearest one decides. */
function reference(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const on = (x: number, y: number) => mask[y * width + x]! >= 128;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const wantOn = radius > 0;
      let nearest = Infinity;
      for (let v = 0; v < height; v++)
        for (let u = 0; u < width; u++)
          if (on(u, v) === wantOn) nearest = Math.min(nearest, (u - x) ** 2 + (v - y) ** 2);
      const inside = on(x, y);
      out[y * width + x] =
        radius > 0 ? (nearest <= radius * radius ? 255 : 0) : inside && nearest > radius * radius ? 255 : 0;
    }
  return out;
}

function randomMask(width: number, height: number, seed: number): Uint8Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const mask = new Uint8Array(width * height);
  // A few blobs, so both growing and shrinking have edges to work on.
  for (let b = 0; b < 4; b++) {
    const cx = next() * width;
    const cy = next() * height;
    const r = 2 + next() * 6;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * width + x] = 255;
  }
  return mask;
}

describe('growMask', () => {
  it('matches the plain distance definition when growing and shrinking, on odd shapes and sizes', () => {
    for (const [w, h, seed] of [
      [23, 17, 1],
      [31, 9, 2],
      [1, 12, 3],
      [16, 16, 4],
    ] as const) {
      const mask = randomMask(w, h, seed);
      for (const radius of [1, 2.5, 4, -1, -2, -3.5, 0]) {
        const got = growMask(mask, w, h, radius);
        const want = radius === 0 ? mask.map((v) => (v >= 128 ? 255 : 0)) : reference(mask, w, h, radius);
        expect(Array.from(got), `${w}×${h} seed ${seed} radius ${radius}`).toEqual(Array.from(want));
      }
    }
  });

  it('grows a box into a rounded one, shrinks it back inside, and keeps a region touching the edge', () => {
    const w = 20;
    const h = 20;
    const box = new Uint8Array(w * h);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) box[y * w + x] = 255;
    const grown = growMask(box, w, h, 3);
    expect(grown[12 * w + 5]).toBe(255); // straight below the edge, 3 px out
    expect(grown[13 * w + 5]).toBe(0);
    expect(grown[12 * w + 12]).toBe(0); // the corner is round: (3, 3) is √18 > 3 away
    const shrunk = growMask(box, w, h, -3);
    expect(shrunk[0]).toBe(255); // the image edge does not eat into it
    expect(shrunk[6 * w + 6]).toBe(255);
    expect(shrunk[7 * w + 6]).toBe(0);
    expect(growMask(new Uint8Array(w * h), w, h, 5).every((v) => v === 0)).toBe(true);
    expect(growMask(new Uint8Array(w * h).fill(255), w, h, -5).every((v) => v === 255)).toBe(true);
  });
});
