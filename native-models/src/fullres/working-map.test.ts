import { describe, expect, it } from 'vitest';
import { calculateDimensions } from '../pipeline/image-size';
import { latentGrid, packLatents } from '../pipeline/latents';
import { resizeLikePil } from '../pipeline/pil-resample';
import {
  assertExactReferenceLatent,
  mapBetween,
  sourceRectToWorking,
  sourceToWorking,
  workingMap,
  workingRectToSource,
  workingToSource,
} from './working-map';

// 200 aspect ratios, log-spaced from 1:8 to 8:1, plus the print and social presets.
const ratios = [
  ...Array.from({ length: 200 }, (_, i) => Math.exp(Math.log(1 / 8) + (i / 199) * Math.log(64))),
  2 / 3,
  3 / 4,
  4 / 5,
  1,
  9 / 16,
  16 / 9,
  1 / Math.SQRT2,
];
// Source areas in pixels: below the working area, 1 MP, A4 at 150 and 300 dpi, 35 MP.
const areas = [0.3e6, 1.05e6, 2.2e6, 8.7e6, 35e6];

describe('working size and mapping', () => {
  it('never pads, crops or re-rounds the reference latent, and maps centres back exactly', () => {
    let cases = 0;
    let worstRoundTrip = 0;
    for (const ratio of ratios) {
      for (const area of areas) {
        const source = {
          width: Math.max(1, Math.round(Math.sqrt(area * ratio))),
          height: Math.max(1, Math.round(Math.sqrt(area / ratio))),
        };
        const map = workingMap(source);
        const { working } = map;
        expect(working).toEqual(calculateDimensions(source.width, source.height));
        expect(working.width % 32).toBe(0);
        expect(working.height % 32).toBe(0);
        // The pipeline's own latent grid covers the working image exactly: no cropped or padded row/column.
        const grid = latentGrid(working.width, working.height);
        expect(grid.width * 8).toBe(working.width);
        expect(grid.height * 8).toBe(working.height);
        expect(map.latent).toEqual({ width: grid.width, height: grid.height });
        expect(map.tokens).toEqual({ width: grid.width / 2, height: grid.height / 2 });
        // The image edges map onto the image edges: no content is moved by a margin.
        expect(workingToSource(map, -0.5, -0.5)).toEqual({ x: -0.5, y: -0.5 });
        const far = workingToSource(map, working.width - 0.5, working.height - 0.5);
        expect(far.x).toBeCloseTo(source.width - 0.5, 9);
        expect(far.y).toBeCloseTo(source.height - 0.5, 9);
        for (const i of [0, 1, 7, Math.floor(working.width / 2), working.width - 1]) {
          const s = workingToSource(map, i, i);
          const back = sourceToWorking(map, s.x, s.y);
          worstRoundTrip = Math.max(worstRoundTrip, Math.abs(back.x - i), Math.abs(back.y - i));
        }
        cases++;
      }
    }
    expect(cases).toBe(ratios.length * areas.length);
    expect(worstRoundTrip).toBeLessThan(1e-9);
  });

  it('packs the reference latent of every working size without a remainder', () => {
    const map = workingMap({ width: 2480, height: 3508 });
    const grid = latentGrid(map.working.width, map.working.height);
    const latents = new Float32Array(16 * grid.width * grid.height);
    expect(packLatents(latents, grid).length).toBe(latents.length);
  });

  it('refuses a working size that would crop or pad the latent', () => {
    expect(() => assertExactReferenceLatent({ width: 1000, height: 1024 })).toThrow(/multiple of 16/);
    expect(() => mapBetween({ width: 100, height: 100 }, { width: 1016, height: 1024 })).toThrow();
    expect(() => assertExactReferenceLatent({ width: 1008, height: 1024 })).not.toThrow();
  });

  it('maps rectangles outward and clips them', () => {
    const map = mapBetween({ width: 3000, height: 1000 }, { width: 1024, height: 512 });
    const r = workingRectToSource(map, { x: 10, y: 20, width: 30, height: 40 });
    expect(r.x).toBeLessThanOrEqual(10 * map.scaleX);
    expect(r.x + r.width).toBeGreaterThanOrEqual(40 * map.scaleX);
    expect(workingRectToSource(map, { x: 1000, y: 500, width: 50, height: 50 })).toEqual({
      x: 2929,
      y: 976,
      width: 71,
      height: 24,
    });
    const back = sourceRectToWorking(map, r);
    expect(back.x).toBeLessThanOrEqual(10);
    expect(back.x + back.width).toBeGreaterThanOrEqual(40);
  });
});

/** Intensity-weighted centroid of a single-channel RGB image's first channel. */
function centroid(rgb: Uint8Array, width: number, height: number, channels = 3) {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = rgb[(y * width + x) * channels]!;
      sx += v * x;
      sy += v * y;
      s += v;
    }
  return { x: sx / s, y: sy / s };
}

function blob(width: number, height: number, cx: number, cy: number, sigma: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = Math.round(255 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma)));
      rgb.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  return rgb;
}

describe('the resamplers follow the centre convention', () => {
  const map = mapBetween({ width: 437, height: 311 }, { width: 160, height: 128 });

  it("the pipeline's Pillow Lanczos downscale puts source content where sourceToWorking says", () => {
    const at = { x: 200.4, y: 101.7 };
    const down = resizeLikePil(
      { width: 437, height: 311, rgb: blob(437, 311, at.x, at.y, 9) },
      160,
      128,
      'lanczos',
    );
    const got = centroid(down.rgb, 160, 128);
    const want = sourceToWorking(map, at.x, at.y);
    expect(Math.abs(got.x - want.x)).toBeLessThan(0.05);
    expect(Math.abs(got.y - want.y)).toBeLessThan(0.05);
  });
});
