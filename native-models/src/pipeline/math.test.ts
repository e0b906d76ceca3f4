import { describe, expect, it } from 'vitest';
import { calculateDimensions, outputSize, smartResize } from './image-size';
import { LATENTS_MEAN, LATENTS_STD } from '../config/vae';
import { denormalizeLatents, latentGrid, normalizeLatents, packLatents, unpackLatents } from './latents';
import { previewFromTokens, WAN21_LATENT_RGB_BIAS, WAN21_LATENT_RGB_FACTORS } from './preview';
import { trueCfg } from './true-cfg';
import { rgb8ToVaeInput, roundHalfEven, vaeOutputToRgb8 } from './vae-image';

describe('latent packing (spec §6)', () => {
  const grid = { height: 4, width: 6 };
  const latents = Float32Array.from({ length: 16 * 4 * 6 }, (_, i) => i);

  it('puts the 2x2 patch of channel c at features c·4 + dy·2 + dx of token (y/2)·(w/2) + x/2', () => {
    const tokens = packLatents(latents, grid);
    const at = (c: number, y: number, x: number) => latents[(c * 4 + y) * 6 + x]!;
    // token 4 = row 1, column 1 of the 2x3 token grid; channel 5, dy 1, dx 0 → feature 22
    expect(tokens[4 * 64 + 5 * 4 + 2]).toBe(at(5, 3, 2));
    expect(tokens[0 * 64 + 0]).toBe(at(0, 0, 0));
    expect(tokens[2 * 64 + 15 * 4 + 3]).toBe(at(15, 1, 5));
  });

  it('unpacks to exactly what was packed', () => {
    expect(unpackLatents(packLatents(latents, grid), grid)).toEqual(latents);
  });

  it('derives the latent grid as 2·⌊H/16⌋ × 2·⌊W/16⌋ and refuses odd grids', () => {
    expect(latentGrid(1024, 1024)).toEqual({ height: 128, width: 128 });
    expect(latentGrid(1376, 768)).toEqual({ height: 96, width: 172 });
    expect(() => packLatents(new Float32Array(16 * 3 * 4), { height: 3, width: 4 })).toThrow(/even/);
  });
});

describe('latent normalisation (spec §5.4)', () => {
  it('maps the channel mean to 0 and mean + std to 1, and back', () => {
    const z = new Float32Array(32);
    for (let c = 0; c < 16; c++) {
      z[2 * c] = LATENTS_MEAN[c]!;
      z[2 * c + 1] = LATENTS_MEAN[c]! + LATENTS_STD[c]!;
    }
    const original = Float32Array.from(z);
    normalizeLatents(z);
    for (let c = 0; c < 16; c++) {
      expect(z[2 * c]).toBeCloseTo(0, 6);
      expect(z[2 * c + 1]).toBeCloseTo(1, 5);
    }
    denormalizeLatents(z);
    z.forEach((v, i) => expect(v).toBeCloseTo(original[i]!, 5));
  });
});

describe('true CFG with norm-preserving rescale (spec §9)', () => {
  it('combines u + s·(c − u) and rescales each token to the norm of c', () => {
    const cond = new Float32Array([3, 4, 0, 1]);
    const uncond = new Float32Array([1, 1, 0, 0]);
    const out = trueCfg(cond, uncond, 4, 2);
    // token 0: g = (1 + 4·2, 1 + 4·3) = (9, 13), |c| = 5 → g·5/|g|
    const n = Math.hypot(9, 13);
    expect(out[0]).toBeCloseTo((9 * 5) / n, 6);
    expect(out[1]).toBeCloseTo((13 * 5) / n, 6);
    expect(Math.hypot(out[0]!, out[1]!)).toBeCloseTo(5, 5);
    // token 1: g = (0, 4), |c| = 1 → (0, 1)
    expect(Array.from(out.subarray(2))).toEqual([0, 1]);
  });

  it('is the conditional prediction at scale 1 and keeps zero tokens finite', () => {
    const cond = new Float32Array([0.5, -0.25, 0, 0]);
    const out = trueCfg(cond, new Float32Array([1, 2, 0, 0]), 1, 2);
    expect(Array.from(out)).toEqual([0.5, -0.25, 0, 0]);
  });
});

describe('preview projection', () => {
  it('projects x0 = x_t − σ·v with the Wan-2.1 factors to RGBA at the latent size', () => {
    const grid = { height: 2, width: 4 };
    const xt = new Float32Array(2 * 64);
    const v = new Float32Array(2 * 64);
    // latent pixel (y=1, x=2) = token 1, sub-position 2: channel 2 has x0 = 1 - 0.5·(-2) = 2
    xt[64 + 2 * 4 + 2] = 1;
    v[64 + 2 * 4 + 2] = -2;
    const frame = previewFromTokens(xt, v, 0.5, grid);
    expect(frame.width).toBe(4);
    expect(frame.height).toBe(2);
    const p = (1 * 4 + 2) * 4;
    const expectByte = (x: number) => Math.round(Math.min(255, Math.max(0, (x + 1) * 127.5)));
    const f = WAN21_LATENT_RGB_FACTORS[2]!;
    const b = WAN21_LATENT_RGB_BIAS;
    expect(Array.from(frame.rgba.subarray(p, p + 4))).toEqual([
      expectByte(b[0] + 2 * f[0]),
      expectByte(b[1] + 2 * f[1]),
      expectByte(b[2] + 2 * f[2]),
      255,
    ]);
    // every other pixel shows only the bias
    expect(Array.from(frame.rgba.subarray(0, 4))).toEqual([...b.map(expectByte), 255]);
  });
});

describe('pixel conversions', () => {
  it('maps bytes to [−1, 1] planar and back exactly', () => {
    const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 23) % 256);
    const planar = rgb8ToVaeInput(rgb, 4, 3);
    expect(planar[0]).toBe(-1);
    expect(Math.max(...planar)).toBeLessThanOrEqual(1);
    expect(vaeOutputToRgb8(planar, 4, 3)).toEqual(rgb);
  });

  it('clamps decoder output and rounds half to even like numpy', () => {
    expect(Array.from(vaeOutputToRgb8(new Float32Array([-3, 2, 0]), 1, 1))).toEqual([0, 255, 128]);
    expect([0.5, 1.5, 2.5, -0.5, 127.5].map(roundHalfEven)).toEqual([0, 2, 2, -0, 128]);
  });
});

describe('sizes (spec §3.1, §3.3)', () => {
  it('calculates the ≈1 MP working size in multiples of 32', () => {
    expect(calculateDimensions(1024, 1024)).toEqual({ width: 1024, height: 1024 });
    expect(calculateDimensions(1920, 1080)).toEqual({ width: 1376, height: 768 });
    expect(calculateDimensions(1600, 1200)).toEqual({ width: 1184, height: 896 });
    expect(calculateDimensions(512, 512)).toEqual({ width: 1024, height: 1024 });
  });

  it('floors a user-chosen output size to multiples of 16', () => {
    expect(outputSize({ width: 1024, height: 1024 }, { width: 530, height: 700 })).toEqual({
      width: 528,
      height: 688,
    });
    expect(outputSize({ width: 1376, height: 768 })).toEqual({ width: 1376, height: 768 });
  });

  it('smart-resizes for the vision encoder like Qwen2-VL', () => {
    expect(smartResize(1024, 1024)).toEqual({ width: 1036, height: 1036 });
    expect(smartResize(768, 1376)).toEqual({ width: 1372, height: 756 });
    expect(smartResize(30, 60)).toEqual({ width: 84, height: 56 });
    expect(() => smartResize(10, 100)).toThrow(/smaller/);
    expect(() => smartResize(28, 28 * 201)).toThrow(/aspect/);
  });
});
