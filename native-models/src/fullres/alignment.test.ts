import { afterAll, describe, expect, it } from 'vitest';
import { correctDrift, estimateAlignment, shouldCorrect } from './alignment';
import { phaseCorrelate } from './phase-correlation';
import { luminance } from './pyramid';
import { applySimilarity, transformDistance } from './similarity';
import type { Similarity } from './similarity';
import { SyntheticScene } from './synthetic-scene';

// A working-size-like image (multiples of 32), smaller than 1 MP to keep the suite quick on two cores.
const W = 640;
const H = 512;
const scene = new SyntheticScene(W, H, 7);
const input = scene.render();
// ~15 % of the area, off-centre: an edit the model made on purpose.
const patch = { x: 360, y: 90, width: 220, height: 220 };

const cases: Similarity[] = [
  { scale: 1, tx: 8, ty: -8 },
  { scale: 1, tx: -7.6, ty: 3.3 },
  { scale: 1, tx: 0.4, ty: -0.3 },
  { scale: 1.02, tx: 0, ty: 0 },
  { scale: 0.98, tx: 0, ty: 0 },
  { scale: 1.013, tx: -5.2, ty: 6.7 },
  { scale: 0.985, tx: 7.9, ty: 2.1 },
  { scale: 1.02, tx: -8, ty: -8 },
];

describe('phase correlation', () => {
  it('finds an integer and a sub-pixel shift', () => {
    const small = new SyntheticScene(320, 256, 7);
    const a = luminance(small.render());
    const b = luminance(small.render({ scale: 1, tx: 5, ty: -3 }));
    const s = phaseCorrelate(a, b);
    expect(s.dx).toBeCloseTo(5, 0);
    expect(s.dy).toBeCloseTo(-3, 0);
    const c = phaseCorrelate(a, luminance(small.render({ scale: 1, tx: 2.5, ty: 1.25 })));
    expect(Math.abs(c.dx - 2.5)).toBeLessThan(0.25);
    expect(Math.abs(c.dy - 1.25)).toBeLessThan(0.25);
  });
});

describe('estimateAlignment', () => {
  const worst = { with: 0, without: 0 };
  afterAll(() => {
    console.log(
      `alignment: max corner error ${worst.without.toFixed(4)} px without an edit, ${worst.with.toFixed(4)} px with`,
    );
  });
  for (const withEdit of [false, true]) {
    for (const truth of cases) {
      const label = `zoom ${((truth.scale - 1) * 100).toFixed(1)} %, shift (${truth.tx}, ${truth.ty})`;
      it(`recovers ${label} to < 0.5 px ${withEdit ? 'with' : 'without'} an edited patch`, () => {
        const output = scene.render(truth, withEdit ? { rect: patch, kind: 'recolour' } : undefined);
        const e = estimateAlignment(input, output);
        const err = transformDistance(e, truth, W, H);
        const key = withEdit ? 'with' : 'without';
        worst[key] = Math.max(worst[key], err);
        expect(err, JSON.stringify({ truth, e })).toBeLessThan(0.5);
        expect(e.confidence).toBeGreaterThan(0.5);
        expect(e.precision).toBeLessThan(0.05);
        expect(shouldCorrect(e)).toBe(true);
        // The edited patch (~15 % of the pixels) is seen as outliers.
        if (withEdit) expect(e.inlierFraction).toBeLessThan(0.92);
      });
    }
  }

  it('reports no drift and leaves an aligned output alone', () => {
    const output = scene.render(undefined, { rect: patch, kind: 'blob' });
    const r = correctDrift(input, output);
    expect(r.estimate.drift).toBeLessThan(0.1);
    expect(r.corrected).toBe(false);
    expect(r.image).toBe(output);
  });

  it('has no confidence on a flat image', () => {
    const flat = { width: 256, height: 256, rgb: new Uint8Array(256 * 256 * 3).fill(90) };
    const e = estimateAlignment(flat, flat);
    expect(e.confidence).toBeLessThan(0.5);
    expect(shouldCorrect(e)).toBe(false);
  });

  it('is confident on a poster-like image: one textured object on a flat background', () => {
    const truth = { scale: 1.01, tx: 3.4, ty: -2.6 };
    const object = { x0: 200, y0: 150, x1: 400, y1: 350 };
    // Keeps the scene inside the object's (drifted) box and paints the rest flat, as a blank poster margin.
    const poster = (t: Similarity) => {
      const img = scene.render(t);
      const p0 = applySimilarity(t, W, H, object.x0, object.y0);
      const p1 = applySimilarity(t, W, H, object.x1, object.y1);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          if (x < p0.x || x >= p1.x || y < p0.y || y >= p1.y)
            img.rgb.fill(235, (y * W + x) * 3, (y * W + x) * 3 + 3);
      return img;
    };
    const e = estimateAlignment(poster({ scale: 1, tx: 0, ty: 0 }), poster(truth));
    let worst = 0;
    for (const [x, y] of [
      [object.x0, object.y0],
      [object.x1, object.y1],
    ] as const) {
      const a = applySimilarity(e, W, H, x, y);
      const b = applySimilarity(truth, W, H, x, y);
      worst = Math.max(worst, Math.hypot(a.x - b.x, a.y - b.y));
    }
    expect(worst).toBeLessThan(0.5);
    expect(e.confidence).toBeGreaterThan(0.5);
  });

  it('undoes the drift so unchanged pixels match the input again', () => {
    const truth = { scale: 1.015, tx: 6.2, ty: -4.7 };
    const output = scene.render(truth, { rect: patch, kind: 'recolour' });
    const r = correctDrift(input, output);
    expect(r.corrected).toBe(true);
    const rmse = (img: { rgb: Uint8Array }) => {
      let s = 0;
      let n = 0;
      // Away from the edit and from the border a zoom-in leaves without data.
      for (let y = 20; y < H - 20; y++)
        for (let x = 20; x < W - 20; x++) {
          if (
            x >= patch.x - 20 &&
            x < patch.x + patch.width + 20 &&
            y >= patch.y - 20 &&
            y < patch.y + patch.height + 20
          )
            continue;
          for (let c = 0; c < 3; c++) {
            const d = img.rgb[(y * W + x) * 3 + c]! - input.rgb[(y * W + x) * 3 + c]!;
            s += d * d;
            n++;
          }
        }
      return Math.sqrt(s / n);
    };
    const before = rmse(output);
    const after = rmse(r.image);
    console.log(`untouched RMSE before ${before.toFixed(2)}, after ${after.toFixed(2)} (levels of 255)`);
    expect(after).toBeLessThan(before / 5);
    expect(after).toBeLessThan(3);
  });
});
