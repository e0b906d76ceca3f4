import { describe, expect, it } from 'vitest';
import { applySimilarity, IDENTITY, maxDisplacement, validRect, warpBySimilarity } from './similarity';
import { SyntheticScene } from './synthetic-scene';

describe('similarity', () => {
  const img = new SyntheticScene(96, 64, 5).render();

  it('zooms about the centre of the pixel grid', () => {
    const t = { scale: 1.02, tx: 0, ty: 0 };
    expect(applySimilarity(t, 96, 64, 47.5, 31.5)).toEqual({ x: 47.5, y: 31.5 });
    expect(maxDisplacement(t, 96, 64)).toBeCloseTo(0.02 * Math.hypot(47.5, 31.5), 9);
  });

  it('resamples exactly at whole-pixel shifts and leaves the identity alone', () => {
    expect(Buffer.from(warpBySimilarity(img, IDENTITY).rgb).equals(Buffer.from(img.rgb))).toBe(true);
    const shifted = warpBySimilarity(img, { scale: 1, tx: 3, ty: -2 });
    // result(p) = output(p + (3, −2)): pixel (10, 20) comes from (13, 18).
    expect(Array.from(shifted.rgb.subarray((20 * 96 + 10) * 3, (20 * 96 + 10) * 3 + 3))).toEqual(
      Array.from(img.rgb.subarray((18 * 96 + 13) * 3, (18 * 96 + 13) * 3 + 3)),
    );
  });

  it('bounds the pixels a drift leaves real data for', () => {
    expect(validRect(IDENTITY, 96, 64, 0)).toEqual({ x: 0, y: 0, width: 96, height: 64 });
    // A shift right by 3: input pixels x ≥ 93 − margin would read past the output's right edge.
    expect(validRect({ scale: 1, tx: 3, ty: 0 }, 96, 64, 2)).toEqual({ x: 0, y: 2, width: 91, height: 60 });
    const zoom = validRect({ scale: 1.1, tx: 0, ty: 0 }, 96, 64, 0);
    expect(zoom.x).toBeGreaterThan(3);
    expect(zoom.x + zoom.width).toBeLessThan(93);
  });
});
