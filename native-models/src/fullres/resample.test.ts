import { describe, expect, it } from 'vitest';
import { resizeLikePil } from '../pipeline/pil-resample';
import { resampleRegion } from './resample';
import { SyntheticScene } from './synthetic-scene';
import { mapBetween, workingToSource } from './working-map';

function blob(width: number, height: number, cx: number, cy: number, sigma: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = Math.round(255 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma)));
      rgb.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  return rgb;
}

function resizeAll(src: { width: number; height: number; rgb: Uint8Array }, w: number, h: number) {
  const out = new Float32Array(w * h * 3);
  resampleRegion(
    { ...src, channels: 3, data: src.rgb },
    { width: w, height: h },
    { x: 0, y: 0, width: w, height: h },
    'lanczos3',
    (y, row) => out.set(row, y * w * 3),
  );
  return out;
}

describe('resampleRegion', () => {
  it('puts upscaled content where workingToSource says (pixel-centre convention)', () => {
    const map = mapBetween({ width: 437, height: 311 }, { width: 160, height: 128 });
    const at = { x: 61.3, y: 70.8 };
    const up = resizeAll({ width: 160, height: 128, rgb: blob(160, 128, at.x, at.y, 4) }, 437, 311);
    let sx = 0;
    let sy = 0;
    let s = 0;
    for (let y = 0; y < 311; y++)
      for (let x = 0; x < 437; x++) {
        const v = Math.max(0, up[(y * 437 + x) * 3]!);
        sx += v * x;
        sy += v * y;
        s += v;
      }
    const want = workingToSource(map, at.x, at.y);
    expect(Math.abs(sx / s - want.x)).toBeLessThan(0.02);
    expect(Math.abs(sy / s - want.y)).toBeLessThan(0.02);
  });

  it("agrees with the pipeline's Pillow Lanczos to within rounding", () => {
    const img = new SyntheticScene(96, 64, 3).render();
    const ours = resizeAll(img, 250, 170);
    const pil = resizeLikePil(img, 250, 170, 'lanczos');
    let worst = 0;
    for (let i = 0; i < ours.length; i++)
      worst = Math.max(worst, Math.abs(Math.min(255, Math.max(0, Math.round(ours[i]!))) - pil.rgb[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('computes a rectangle exactly as the whole resize does', () => {
    const img = new SyntheticScene(96, 64, 4).render();
    const full = resizeAll(img, 301, 203);
    const region = { x: 37, y: 150, width: 120, height: 53 };
    let rows = 0;
    resampleRegion(
      { ...img, channels: 3, data: img.rgb },
      { width: 301, height: 203 },
      region,
      'lanczos3',
      (y, row) => {
        rows++;
        const want = full.subarray((y * 301 + region.x) * 3, (y * 301 + region.x + region.width) * 3);
        expect(Array.from(row)).toEqual(Array.from(want));
      },
    );
    expect(rows).toBe(region.height);
  });

  it('never reaches past one working pixel with the linear kernel', () => {
    const mask = new Float32Array(40 * 40);
    mask[20 * 40 + 20] = 1;
    const hits: number[] = [];
    resampleRegion(
      { width: 40, height: 40, channels: 1, data: mask },
      { width: 120, height: 120 },
      { x: 0, y: 0, width: 120, height: 120 },
      'linear',
      (y, row) =>
        row.forEach((v, x) => {
          if (v > 0) hits.push(x, y);
        }),
    );
    // Working pixel 20 spans source [60, 63); its linear footprint is one working pixel (3 source px) either side.
    for (const v of hits) {
      expect(v).toBeGreaterThanOrEqual(58);
      expect(v).toBeLessThanOrEqual(64);
    }
    expect(hits.length).toBeGreaterThan(0);
  });
});
