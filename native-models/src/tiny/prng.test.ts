import { describe, expect, it } from 'vitest';
import { TensorRandom } from './prng';

describe('TensorRandom', () => {
  it('gives the same stream for the same seed and name, and different ones otherwise', () => {
    const a = new TensorRandom(7, 'x.weight').normals(64, 1);
    expect(new TensorRandom(7, 'x.weight').normals(64, 1)).toEqual(a);
    expect(new TensorRandom(8, 'x.weight').normals(64, 1)).not.toEqual(a);
    expect(new TensorRandom(7, 'y.weight').normals(64, 1)).not.toEqual(a);
  });

  it('pins the stream (a change here changes every tiny checkpoint)', () => {
    const r = new TensorRandom(0, 'probe');
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toMatchInlineSnapshot(`
      [
        268331532,
        34861703,
        265064818,
      ]
    `);
  });

  it('draws normals with mean ≈ 0 and variance ≈ 1', () => {
    const v = new TensorRandom(1, 'stats').normals(200_000, 1);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });
});
