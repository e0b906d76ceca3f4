import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageInputError, loadRgbImage } from './load-image';
import { pngHeaderOnly } from './testing/images';
import { compositeRegion, featherAlpha, regionCoverage } from './region-mask';
import { CLIP_MEAN, CLIP_STD, patchify, visionInput } from './vision-input';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-io-'));

describe('loadRgbImage', () => {
  it('honours EXIF orientation', async () => {
    // 4 wide, 2 high, left half red; orientation 6 (rotate 90° clockwise) → shown 2 wide, 4 high, top red.
    const raw = Buffer.alloc(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) raw[(y * 4 + x) * 3] = 255;
    const jpeg = await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    const img = await loadRgbImage(jpeg);
    expect([img.width, img.height]).toEqual([2, 4]);
    expect(img.rgb[0]).toBe(255); // top-left red
    expect(img.rgb[(3 * 2 + 1) * 3]).toBe(0); // bottom-right not red
  });

  it('composites alpha on white', async () => {
    const rgba = Buffer.from([255, 0, 0, 0, 0, 0, 255, 255]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    const img = await loadRgbImage(png);
    expect(Array.from(img.rgb)).toEqual([255, 255, 255, 0, 0, 255]);
  });

  it('converts 16-bit and CMYK input to 8-bit sRGB', async () => {
    const png16 = await sharp(Buffer.from([255, 0, 128, 0, 255, 7]), {
      raw: { width: 2, height: 1, channels: 3 },
    })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect(Array.from((await loadRgbImage(png16)).rgb)).toEqual([255, 0, 128, 0, 255, 7]);

    const cmyk = await sharp({
      create: { width: 3, height: 3, channels: 3, background: { r: 200, g: 40, b: 40 } },
    })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const fromCmyk = await loadRgbImage(cmyk);
    expect(fromCmyk.rgb.length).toBe(27);
    expect(fromCmyk.rgb[0]!).toBeGreaterThan(fromCmyk.rgb[1]! + 80);
  });

  it('refuses unreadable files and oversized images before decoding them', async () => {
    const junk = join(dir, 'junk.png');
    writeFileSync(junk, 'this is not an image');
    await expect(loadRgbImage(junk)).rejects.toThrow(ImageInputError);
    await expect(loadRgbImage(join(dir, 'missing.png'))).rejects.toThrow(/cannot read/);
    const before = process.memoryUsage().rss;
    await expect(loadRgbImage(pngHeaderOnly(20000, 20000))).rejects.toThrow(
      /20000x20000 \(400 MP\).*scale it down/,
    );
    // A decode would need 1.2 GB; refusing from the header keeps memory flat.
    expect(process.memoryUsage().rss - before).toBeLessThan(200e6);
  });

  it('reads a 1x1 image', async () => {
    const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#102030' } })
      .png()
      .toBuffer();
    const img = await loadRgbImage(one);
    expect(Array.from(img.rgb)).toEqual([16, 32, 48]);
  });
});

describe('vision input (Qwen2-VL processor)', () => {
  it('lays out 2x2 merge blocks in raster order with [channel][time][py][px] rows', () => {
    // 56x28 image: grid 2x4 patches, merge blocks 1x2. Encode the patch position in the pixel value.
    const width = 56;
    const height = 28;
    const rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const patch = Math.floor(y / 14) * 4 + Math.floor(x / 14);
        rgb[(y * width + x) * 3] = patch * 10;
        rgb[(y * width + x) * 3 + 1] = (y % 14) * 10;
        rgb[(y * width + x) * 3 + 2] = (x % 14) * 10;
      }
    }
    const v = patchify({ width, height, rgb });
    expect(v.gridThw).toEqual([1, 2, 4]);
    expect(v.patches).toBe(8);
    expect(v.mergedTokens).toBe(2);
    const f = Math.fround;
    const norm = (byte: number, c: number) => f(f(f(byte * (1 / 255)) - f(CLIP_MEAN[c]!)) / f(CLIP_STD[c]!));
    // Order of patches: block (0,0): (0,0),(0,1),(1,0),(1,1); block (0,1): (0,2),(0,3),(1,2),(1,3).
    const expectedPatch = [0, 1, 4, 5, 2, 3, 6, 7];
    expectedPatch.forEach((patch, row) => expect(v.pixelValues[row * 1176]).toBe(norm(patch * 10, 0)));
    // Within a row: red plane t0 (196), red t1 (196, identical), then green...
    const row = v.pixelValues.subarray(1176 * 3, 1176 * 4);
    expect(row.subarray(0, 196)).toEqual(row.subarray(196, 392));
    expect(row[392 + 14 * 5 + 3]).toBe(norm(50, 1)); // green = py·10 at py 5
    expect(row[2 * 392 + 14 * 5 + 3]).toBe(norm(30, 2)); // blue = px·10 at px 3
  });

  it('smart-resizes a 1024x1024 image to 74x74 patches and 1369 tokens', async () => {
    const rgb = new Uint8Array(1024 * 1024 * 3).fill(128);
    const v = visionInput({ width: 1024, height: 1024, rgb });
    expect(v.gridThw).toEqual([1, 74, 74]);
    expect(v.mergedTokens).toBe(1369);
  });
});

describe('region compositing', () => {
  const input = { width: 20, height: 10, rgb: Uint8Array.from({ length: 600 }, (_, i) => (i * 7) % 256) };
  const edited = { width: 20, height: 10, rgb: new Uint8Array(600).fill(3) };

  it('keeps every byte outside a box and feathers only inside it', async () => {
    const cov = await regionCoverage({ kind: 'box', x: 5, y: 2, width: 10, height: 6 }, 20, 10);
    const alpha = featherAlpha(cov, 3);
    const out = await compositeRegion(input, edited, alpha);
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 20; x++) {
        const inside = x >= 5 && x < 15 && y >= 2 && y < 8;
        const k = (y * 20 + x) * 3;
        if (!inside) expect(out.rgb.subarray(k, k + 3)).toEqual(input.rgb.subarray(k, k + 3));
      }
    }
    // The box's edge pixel is barely changed, its centre fully replaced.
    const edge = (2 * 20 + 5) * 3;
    const centre = (5 * 20 + 10) * 3;
    expect(Math.abs(out.rgb[edge]! - input.rgb[edge]!)).toBeLessThan(Math.abs(3 - input.rgb[edge]!));
    expect(out.rgb[centre]).toBe(3);
  });

  it('reads a grayscale mask image (white = edit) and resizes it to the input', async () => {
    const mask = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#000' } })
      .composite([
        { input: { create: { width: 20, height: 20, channels: 3, background: '#fff' } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    const cov = await regionCoverage({ kind: 'mask', image: mask }, 20, 10);
    expect(cov.alpha[0]).toBe(1);
    expect(cov.alpha[19]).toBe(0);
    const out = await compositeRegion(input, edited, featherAlpha(cov, 0));
    expect(out.rgb.subarray(0, 3)).toEqual(new Uint8Array([3, 3, 3]));
    expect(out.rgb.subarray(57, 60)).toEqual(input.rgb.subarray(57, 60));
  });
});
