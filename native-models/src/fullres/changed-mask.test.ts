import { describe, expect, it } from 'vitest';
import { correctDrift } from './alignment';
import { changedAreaMask, maskBounds, regionMask } from './changed-mask';
import type { Mask } from './changed-mask';
import { prng, SyntheticScene } from './synthetic-scene';
import type { SceneEdit } from './synthetic-scene';

const W = 512;
const H = 384;
const scene = new SyntheticScene(W, H, 11);
const input = scene.render();

/** Adds ±6-level noise, about what a VAE round trip leaves on unchanged pixels. */
function noisy(img: { width: number; height: number; rgb: Uint8Array }) {
  const rnd = prng(5);
  const rgb = img.rgb.map((v) =>
    Math.max(0, Math.min(255, v + Math.round((rnd() + rnd() + rnd() - 1.5) * 6))),
  );
  return { ...img, rgb };
}

function truthOf(edit: SceneEdit): Uint8Array {
  const t = new Uint8Array(W * H);
  const { x, y, width: w, height: h } = edit.rect;
  for (let j = y; j < y + h; j++)
    for (let i = x; i < x + w; i++)
      if (edit.kind === 'recolour' || Math.hypot((i - x - w / 2) / (w / 2), (j - y - h / 2) / (h / 2)) < 1)
        t[j * W + i] = 1;
  return t;
}

function score(mask: Mask, truth: Uint8Array) {
  let inter = 0;
  let union = 0;
  let interHalf = 0;
  let unionHalf = 0;
  let covered = 0;
  let edit = 0;
  for (let i = 0; i < truth.length; i++) {
    const m = mask.alpha[i]! > 0;
    if (m && truth[i]) inter++;
    if (m || truth[i]) union++;
    const h = mask.alpha[i]! >= 0.5;
    if (h && truth[i]) interHalf++;
    if (h || truth[i]) unionHalf++;
    if (truth[i]) {
      edit++;
      if (mask.alpha[i]! >= 0.999) covered++;
    }
  }
  return { iou: inter / union, iouHalf: interHalf / unionHalf, fullWeight: covered / edit };
}

describe('changedAreaMask', () => {
  const edits: SceneEdit[] = [
    { kind: 'recolour', rect: { x: 60, y: 50, width: 150, height: 110 } },
    { kind: 'blob', rect: { x: 300, y: 180, width: 140, height: 120 } },
  ];
  for (const edit of edits) {
    it(`covers a synthetic ${edit.kind} edit and little else`, () => {
      const output = noisy(scene.render(undefined, edit));
      const mask = changedAreaMask(input, output);
      const s = score(mask, truthOf(edit));
      console.log(
        `${edit.kind}: IoU ${s.iou.toFixed(3)} (weight > 0), ${s.iouHalf.toFixed(3)} (weight ≥ ½), edit pixels at full weight ${(s.fullWeight * 100).toFixed(1)} %`,
      );
      expect(s.fullWeight).toBeGreaterThan(0.97);
      expect(s.iou).toBeGreaterThan(0.75);
    });
  }

  it('after a zoom-in is corrected, finds the edit and not the border the zoom left without data', () => {
    const edit: SceneEdit = { kind: 'recolour', rect: { x: 280, y: 60, width: 150, height: 110 } };
    const output = noisy(scene.render({ scale: 1.02, tx: -4, ty: 5 }, edit));
    const fixed = correctDrift(input, output);
    expect(fixed.corrected).toBe(true);
    const mask = changedAreaMask(input, fixed.image, { within: fixed.valid });
    // Where the edit sits in input coordinates after undoing the drift: roughly where it was drawn.
    const b = maskBounds(mask)!;
    expect(b.x).toBeGreaterThan(250);
    expect(b.y).toBeGreaterThan(30);
    expect(b.x + b.width).toBeLessThan(470);
    expect(b.y + b.height).toBeLessThan(210);
    // Without alignment the whole textured image differs.
    const unaligned = maskBounds(changedAreaMask(input, output))!;
    expect(unaligned.width * unaligned.height).toBeGreaterThan(0.8 * W * H);
  });

  it('finds nothing when only noise changed', () => {
    const mask = changedAreaMask(input, noisy(input));
    expect(maskBounds(mask)).toBeNull();
  });

  it("uses the user's region as it is, feathered inward only", () => {
    const m = regionMask(W, H, { x: 100, y: 100, width: 50, height: 40 }, 4);
    expect(maskBounds(m)).toEqual({ x: 100, y: 100, width: 50, height: 40 });
    expect(m.alpha[120 * W + 125]).toBe(1);
    expect(m.alpha[100 * W + 125]!).toBeGreaterThan(0);
    expect(m.alpha[100 * W + 125]!).toBeLessThan(0.5);
  });
});
