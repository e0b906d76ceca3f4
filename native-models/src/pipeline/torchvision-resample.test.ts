import { describe, expect, it } from 'vitest';
import { pilFixturePhoto } from './testing/images';
import type { RgbImage } from './load-image';
import { resizeLikePil } from './pil-resample';
import { resizeLikeTorchvision } from './torchvision-resample';
import { int16Taps, referenceResize } from './testing/torchvision-resize-reference';

const photo = pilFixturePhoto();
/** A sharp-edged synthetic image: stripes, a ramp and a saturated block (where clamping happens). */
function synthetic(width: number, height: number) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = (y * width + x) * 3;
      rgb[k] = (x >> 1) % 2 ? 255 : 0;
      rgb[k + 1] = Math.round((255 * (x + y)) / (width + height));
      rgb[k + 2] = x > width / 3 && x < width / 2 && y > height / 4 ? 255 : (x * 37 + y * 11) % 256;
    }
  }
  return { width, height, rgb };
}

describe('resizeLikeTorchvision (torchvision bicubic, antialias, uint8)', () => {
  const cases: [string, RgbImage, number, number][] = [
    ['photo downscale', photo, Math.round(photo.width / 2.7), Math.round(photo.height / 1.9)],
    ['photo upscale', photo, photo.width * 2 + 3, photo.height + 5],
    ['synthetic down in x, up in y', synthetic(61, 23), 28, 56],
    ['synthetic width only', synthetic(50, 17), 14, 17],
    ['synthetic height only', synthetic(19, 45), 19, 28],
  ];
  for (const [name, image, width, height] of cases) {
    it(`equals the plain-loop reference byte for byte: ${name} ${image.width}x${image.height} → ${width}x${height}`, () => {
      const out = resizeLikeTorchvision(image, width, height);
      expect([out.width, out.height]).toEqual([width, height]);
      expect(Buffer.from(out.rgb).equals(Buffer.from(referenceResize(image, width, height)))).toBe(true);
    });
  }

  it("the reference's per-axis precision is the largest keeping round(w_max·2^p) below 2^15", () => {
    // 2x down: taps at ±¼, ±¾, ±1¼, ±1¾ input pixels; the largest normalised weight lies in [¼, ½).
    expect(int16Taps(8, 4).precision).toBe(16);
    // 3x up: every third output centre falls on an input centre, where the cubic is 1.
    expect(int16Taps(4, 12).precision).toBe(14);
  });

  it('differs from Pillow by at most one level, and somewhere', () => {
    let differing = 0;
    const width = Math.round(photo.width / 2.7);
    const height = Math.round(photo.height / 1.9);
    const fast = resizeLikeTorchvision(photo, width, height).rgb;
    const slow = resizeLikePil(photo, width, height, 'bicubic').rgb;
    for (let i = 0; i < fast.length; i++) {
      expect(Math.abs(fast[i]! - slow[i]!)).toBeLessThanOrEqual(1);
      if (fast[i] !== slow[i]) differing++;
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('returns a copy at the same size', () => {
    const out = resizeLikeTorchvision(photo, photo.width, photo.height);
    expect(out.rgb).not.toBe(photo.rgb);
    expect(Buffer.from(out.rgb).equals(Buffer.from(photo.rgb))).toBe(true);
  });
});
