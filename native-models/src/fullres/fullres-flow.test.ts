/**
 * The whole full-resolution path on one synthetic case, as the pipeline will run it: source → working size
 * (the pipeline's Pillow Lanczos) → a drifted, edited "model output" → drift correction → changed-area
 * mask → paste-back at source resolution.
 */
import { describe, expect, it } from 'vitest';
import { resizeLikePil } from '../pipeline/pil-resample';
import type { RgbImage } from '../pipeline/load-image';
import { correctDrift } from './alignment';
import { changedAreaMask } from './changed-mask';
import { pasteBack } from './paste-back';
import { warpBySimilarity } from './similarity';
import { SyntheticScene } from './synthetic-scene';
import { workingMap, workingRectToSource } from './working-map';

describe('full-resolution flow', () => {
  it('changes only the edit at source resolution, with untouched areas byte-identical', () => {
    const source = new SyntheticScene(1560, 1080, 8).render();
    const map = workingMap(source);
    const working = resizeLikePil(source, map.working.width, map.working.height, 'lanczos');
    // The "model": paints a disc, then drifts (zoom 1.5 %, shift) — T maps input points into its output.
    const drift = { scale: 1.015, tx: -3.3, ty: 2.4 };
    const painted: RgbImage = { ...working, rgb: working.rgb.slice() };
    const disc = { cx: 300, cy: 200, r: 70 };
    for (let y = 0; y < working.height; y++)
      for (let x = 0; x < working.width; x++)
        if (Math.hypot(x - disc.cx, y - disc.cy) < disc.r)
          painted.rgb.set([20, 200, 60], (y * working.width + x) * 3);
    const inverse = { scale: 1 / drift.scale, tx: -drift.tx / drift.scale, ty: -drift.ty / drift.scale };
    const output = warpBySimilarity(painted, inverse);

    const fixed = correctDrift(working, output);
    expect(fixed.corrected).toBe(true);
    expect(Math.abs(fixed.estimate.scale - drift.scale)).toBeLessThan(0.001);
    const mask = changedAreaMask(working, fixed.image, { within: fixed.valid });
    const result = pasteBack(source, fixed.image, mask, map);

    // Everything outside the pasted rectangle is the source's bytes, and the rectangle hugs the disc.
    const rect = result.rect!;
    const discRect = workingRectToSource(map, {
      x: disc.cx - disc.r,
      y: disc.cy - disc.r,
      width: 2 * disc.r,
      height: 2 * disc.r,
    });
    expect(rect.x).toBeGreaterThan(discRect.x - 40);
    expect(rect.x + rect.width).toBeLessThan(discRect.x + discRect.width + 40);
    let outside = 0;
    let ringError = 0;
    let ringCount = 0;
    const W = source.width;
    for (let y = 0; y < source.height; y++)
      for (let x = 0; x < W; x++) {
        const k = (y * W + x) * 3;
        const inRect = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
        if (!inRect) {
          for (let c = 0; c < 3; c++) if (result.image.rgb[k + c] !== source.rgb[k + c]) outside++;
          continue;
        }
        // Pasted but not painted (the feathered margin around the disc): the aligned model output, upscaled,
        // must agree with the source there, or a seam would show. Only resampling blur is left.
        const d = Math.hypot(x / map.scaleX - 0.5 - disc.cx, y / map.scaleY - 0.5 - disc.cy);
        if (d > disc.r + 3 && d < disc.r + 8) {
          for (let c = 0; c < 3; c++) ringError += (result.image.rgb[k + c]! - source.rgb[k + c]!) ** 2;
          ringCount += 3;
        }
      }
    expect(outside).toBe(0);
    const ringRmse = Math.sqrt(ringError / ringCount);
    console.log(`flow: seam RMSE in the feathered margin ${ringRmse.toFixed(2)} levels of 255`);
    expect(ringRmse).toBeLessThan(8);
    // The disc itself arrived, in its colour.
    const k = (Math.round((disc.cy + 0.5) * map.scaleY) * W + Math.round((disc.cx + 0.5) * map.scaleX)) * 3;
    expect(Math.abs(result.image.rgb[k + 1]! - 200)).toBeLessThanOrEqual(4);
  });
});
