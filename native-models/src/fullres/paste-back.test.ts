import { describe, expect, it } from 'vitest';
import { changedAreaMask, regionMask } from './changed-mask';
import { pasteBack } from './paste-back';
import { prng, SyntheticScene } from './synthetic-scene';
import { sourceRectToWorking, sourceToWorking, workingMap } from './working-map';
import type { WorkingMap } from './working-map';
import type { Mask } from './changed-mask';

/** A full-resolution source with fine texture, filled cheaply (the content only has to be distinctive). */
function bigSource(width: number, height: number) {
  const rgb = new Uint8Array(width * height * 3);
  const rnd = prng(9);
  const row = new Uint8Array(width * 3);
  for (let i = 0; i < row.length; i++) row[i] = Math.floor(rnd() * 256);
  for (let y = 0; y < height; y++) {
    const shift = (y * 7) % row.length;
    rgb.set(row.subarray(shift), y * row.length);
    rgb.set(row.subarray(0, shift), y * row.length + row.length - shift);
  }
  return { width, height, rgb };
}

/**
 * Asserts that every source pixel the mask cannot reach is byte-identical: a pixel is reachable only if
 * the working pixels around its mapped position (the linear kernel's one-pixel footprint) have weight.
 */
function expectUntouchedOutsideMask(src: Uint8Array, out: Uint8Array, map: WorkingMap, mask: Mask) {
  const { width: W, height: H } = map.source;
  const col = Int32Array.from({ length: W }, (_, x) => Math.floor(sourceToWorking(map, x, 0).x));
  const reach = (wx: number, wy: number) => {
    for (let dy = -1; dy <= 2; dy++)
      for (let dx = -1; dx <= 2; dx++) {
        const x = wx + dx;
        const y = wy + dy;
        if (x >= 0 && y >= 0 && x < mask.width && y < mask.height && mask.alpha[y * mask.width + x]! > 0)
          return true;
      }
    return false;
  };
  let differing = 0;
  let unreachableDiffering = 0;
  for (let y = 0; y < H; y++) {
    const rowStart = y * W * 3;
    // Rows are compared as whole buffers first: nearly all are identical and this keeps the scan fast.
    if (
      Buffer.compare(src.subarray(rowStart, rowStart + W * 3), out.subarray(rowStart, rowStart + W * 3)) === 0
    )
      continue;
    const wy = Math.floor(sourceToWorking(map, 0, y).y);
    for (let x = 0; x < W; x++) {
      const k = rowStart + x * 3;
      if (src[k] === out[k] && src[k + 1] === out[k + 1] && src[k + 2] === out[k + 2]) continue;
      differing++;
      if (!reach(col[x]!, wy)) unreachableDiffering++;
    }
  }
  expect(unreachableDiffering).toBe(0);
  return differing;
}

describe('pasteBack', () => {
  it('leaves every pixel outside the changed area of a 4961×7016 source byte-identical', () => {
    const source = bigSource(4961, 7016);
    const map = workingMap(source);
    const scene = new SyntheticScene(map.working.width, map.working.height, 21);
    const input = scene.render();
    const edit = { kind: 'blob' as const, rect: { x: 300, y: 420, width: 260, height: 200 } };
    const edited = scene.render(undefined, edit);
    const mask = changedAreaMask(input, edited);
    const c = { x: Math.round((300 + 130) * map.scaleX), y: Math.round((420 + 100) * map.scaleY) };
    const k = (c.y * 4961 + c.x) * 3;
    const sourceRow = Buffer.from(source.rgb.subarray(k - 3000, k + 3000));
    const result = pasteBack(source, edited, mask, map);
    expect(result.image.width).toBe(4961);
    expect(result.image.height).toBe(7016);
    expect(Buffer.from(source.rgb.subarray(k - 3000, k + 3000)).equals(sourceRow)).toBe(true);
    const differing = expectUntouchedOutsideMask(source.rgb, result.image.rgb, map, mask);
    // Memory stays bounded: only the changed area's rectangle was computed.
    const rect = result.rect!;
    expect(rect.width * rect.height).toBeLessThan(0.06 * 4961 * 7016);
    expect(differing).toBeGreaterThan(0.5 * (Math.PI / 4) * 260 * 200 * map.scaleX * map.scaleY);
    // Inside the edit the pasted colour is the edit's (magenta-ish 230, 40, 200), at full weight.
    expect(Math.abs(result.image.rgb[k]! - 230)).toBeLessThanOrEqual(3);
    expect(Math.abs(result.image.rgb[k + 1]! - 40)).toBeLessThanOrEqual(3);
    expect(Math.abs(result.image.rgb[k + 2]! - 200)).toBeLessThanOrEqual(3);
  });

  it("keeps a user's box region exact and returns the source unchanged for an empty mask", () => {
    const source = bigSource(1200, 900);
    const map = workingMap(source);
    const edited = new SyntheticScene(map.working.width, map.working.height, 2).render();
    const box = { x: 100, y: 120, width: 300, height: 200 };
    const mask = regionMask(map.working.width, map.working.height, sourceRectToWorking(map, box));
    const result = pasteBack(source, edited, mask, map);
    expectUntouchedOutsideMask(source.rgb, result.image.rgb, map, mask);
    const empty = pasteBack(source, edited, { ...mask, alpha: new Float32Array(mask.alpha.length) }, map);
    expect(Buffer.from(empty.image.rgb).equals(Buffer.from(source.rgb))).toBe(true);
    expect(empty.changedPixels).toBe(0);
    const copy = { ...source, rgb: source.rgb.slice() };
    const inPlace = pasteBack(copy, edited, mask, map, { inPlace: true });
    expect(inPlace.image.rgb).toBe(copy.rgb);
    expect(Buffer.from(copy.rgb).equals(Buffer.from(result.image.rgb))).toBe(true);
  });
});
