import { describe, expect, it } from 'vitest';
import { pilFixturePhoto } from './testing/images';
import { DEFAULT_IMAGE_PROCESSOR } from './edit-vocabulary';
import { resizeLikeTorchvision } from './torchvision-resample';
import { CLIP_MEAN, CLIP_STD, patchify, visionInput } from './vision-input';

const photo = pilFixturePhoto();
const f = Math.fround;

describe('the Qwen2-VL processor paths', () => {
  it('defaults to the fast path, as transformers does for these checkpoints', () => {
    expect(DEFAULT_IMAGE_PROCESSOR).toBe('fast');
    expect(visionInput(photo).pixelValues).toEqual(visionInput(photo, undefined, 'fast').pixelValues);
  });

  it('fast: normalises each byte as (x − f32(f32(mean)·255)) / f32(f32(std)·255) in float32', () => {
    const rgb = Uint8Array.from({ length: 28 * 28 * 3 }, (_, i) => (i * 13) % 256);
    const v = patchify({ width: 28, height: 28, rgb }, undefined, 'fast');
    // Patch 0 row: red plane of the top-left 14x14 patch first.
    for (let px = 0; px < 14; px++) {
      const byte = rgb[px * 3]!;
      const expected = f(f(byte - f(f(CLIP_MEAN[0]) * 255)) / f(f(CLIP_STD[0]) * 255));
      expect(v.pixelValues[px]).toBe(expected);
    }
  });

  it('fast and slow differ by at most a level of the resize (plus float rounding) and somewhere', () => {
    const fast = visionInput(photo, undefined, 'fast');
    const slow = visionInput(photo, undefined, 'slow');
    expect(fast.gridThw).toEqual(slow.gridThw);
    const level = 1 / (255 * Math.min(...CLIP_STD));
    let maxDiff = 0;
    let differing = 0;
    for (let i = 0; i < fast.pixelValues.length; i++) {
      const d = Math.abs(fast.pixelValues[i]! - slow.pixelValues[i]!);
      maxDiff = Math.max(maxDiff, d);
      if (d > 1e-5) differing++;
    }
    expect(maxDiff).toBeLessThanOrEqual(level * 1.0001);
    expect(differing).toBeGreaterThan(0);
  });

  it('fast: the resize is the torchvision one', () => {
    const v = visionInput(photo, undefined, 'fast');
    const [, gh, gw] = v.gridThw;
    const resized = resizeLikeTorchvision(photo, gw * 14, gh * 14);
    expect(v.pixelValues).toEqual(patchify(resized, undefined, 'fast').pixelValues);
  });
});
