import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { diffAtSmallerSize, diffImages } from './imageOps';

/** A smooth scene (a gradient) drawn at any size, with an optional magenta block in scene units (0–1). */
async function scene(
  width: number,
  height: number,
  block?: { x0: number; y0: number; x1: number; y1: number },
) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const i = (y * width + x) * 3;
      const inBlock = block && u >= block.x0 && u < block.x1 && v >= block.y0 && v < block.y1;
      data[i] = inBlock ? 255 : Math.round(40 + 150 * u);
      data[i + 1] = inBlock ? 0 : Math.round(60 + 120 * v);
      data[i + 2] = inBlock ? 255 : 128;
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function maskOf(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { at: (x: number, y: number) => data[(y * info.width + x) * info.channels]!, ...info };
}

describe('diffAtSmallerSize', () => {
  const block = { x0: 0.5, y0: 1 / 3, x1: 0.75, y1: 2 / 3 }; // pixels 20–29 × 10–19 at 40×30

  it('compares versions of different sizes at the smaller size: only the changed block is marked', async () => {
    const small = await scene(40, 30);
    const big = await scene(80, 60, block);
    for (const [a, b] of [
      [small, big],
      [big, small],
    ] as const) {
      const diff = await diffAtSmallerSize(a, b);
      expect(diff).toMatchObject({ width: 40, height: 30, resampled: true, totalPixels: 1200 });
      const mask = await maskOf(diff.maskPng);
      expect([mask.width, mask.height]).toEqual([40, 30]);
      for (let y = 0; y < 30; y++)
        for (let x = 0; x < 40; x++) {
          // Lanczos spreads the block's edge by up to two pixels; inside and well outside it is clear-cut.
          const inside = x >= 22 && x <= 27 && y >= 12 && y <= 17;
          const outside = x < 17 || x > 32 || y < 7 || y > 22;
          if (inside) expect(mask.at(x, y), `(${x}, ${y})`).toBe(255);
          if (outside) expect(mask.at(x, y), `(${x}, ${y})`).toBe(0);
        }
      expect(diff.changedPixels).toBeGreaterThanOrEqual(36);
      expect(diff.changedPixels).toBeLessThanOrEqual(15 * 15);
    }
  });

  it('sees no change between one scene at two sizes, and compares same-size images exactly', async () => {
    const none = await diffAtSmallerSize(await scene(40, 30), await scene(120, 90));
    expect(none).toMatchObject({ changedPixels: 0, resampled: true });
    const [a, b] = [await scene(40, 30), await scene(40, 30, block)];
    const exact = await diffAtSmallerSize(a, b);
    const plain = await diffImages(a, b);
    expect(exact.resampled).toBe(false);
    expect(exact.changedPixels).toBe(plain.changedPixels);
    expect(exact.changedPixels).toBe(100);
  });
});
