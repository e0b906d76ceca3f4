import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../onnx/testing/runOnce';
import { maxAbsDiff, relativeL2 } from '../../testing/compare';
import { dequantizeBlockwise, quantizeBlockwise } from '../../onnx';
import { randomArray, seededRandom } from '../../testing/seeded';
import { TINY_VISION_CONFIG, randomQwen25VLWeights, TINY_TEXT_CONFIG } from '../testing/tiny-text-encoder';
import { patchDim } from '../../config/text-encoder';
import { VISION_IO, buildVisionGraph, visionPrecision } from './graph';
import type { GridThw } from './layout';
import { visionLayout, visionWindowLayout } from './layout';
import { visionGraphFeeds } from './feeds';
import { visionReference } from '../testing/vision-reference';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vision-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const real = { spatialMergeSize: 2, windowSize: 112, patchSize: 14 };

describe('vision window layout (upstream get_window_index)', () => {
  it('pads a 6×10 merged grid to 2×3 windows of 4×4 and orders tokens window by window', () => {
    const l = visionWindowLayout([[1, 12, 20]], real);
    expect(l.numPatches).toBe(240);
    expect(l.cuWindowSeqlens).toEqual([0, 64, 128, 160, 192, 224, 240]);
    expect(l.cuSeqlens).toEqual([0, 240]);
    expect(Array.from(l.windowIndex.slice(0, 18), Number)).toEqual([
      0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 4, 5,
    ]);
    expect(Array.from(l.windowIndex.slice(-4), Number)).toEqual([48, 49, 58, 59]);
    expect(new Set(Array.from(l.windowIndex, Number)).size).toBe(60);
    expect(Number(l.windowSegmentIds[63])).toBe(0);
    expect(Number(l.windowSegmentIds[64])).toBe(1);
    expect(Number(l.windowSegmentIds[239])).toBe(5);
  });

  it('skips the empty window row/column added when the grid is already a multiple of the window', () => {
    const l = visionWindowLayout([[1, 16, 8]], real);
    // merged 8×4: upstream pads by a full window (4 − 0) and drops the empty windows via unique_consecutive.
    expect(l.cuWindowSeqlens).toEqual([0, 64, 128]);
  });

  it('gives the 1024² edit its 1369 merged tokens in 100 windows, and separates two images', () => {
    const l = visionWindowLayout([[1, 74, 74]], real);
    expect(l.windowIndex.length).toBe(1369);
    expect(l.cuWindowSeqlens.length - 1).toBe(100);
    const two = visionWindowLayout(
      [
        [1, 4, 4],
        [1, 8, 4],
      ],
      real,
    );
    expect(two.cuSeqlens).toEqual([0, 16, 48]);
    expect(Array.from(two.frameSegmentIds, Number)).toEqual([...Array(16).fill(0), ...Array(32).fill(1)]);
    expect(Array.from(two.windowIndex, Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('rotary tables hold [row·f, col·f] duplicated, rows in merge-block order', () => {
    const { rotaryCos, rotarySin } = visionLayout([[1, 4, 4]], { ...real, headDim: 8 });
    // head_dim 8 → dim 4 → inv_freq [1, 10000^-0.5]; patch 3 of block 0 is (row 1, col 1); patch 4 is (0, 2).
    const row = (t: Float32Array, i: number) => Array.from(t.subarray(i * 8, i * 8 + 8));
    const f = [1, 0.01];
    const expectRow = (i: number, r: number, c: number) => {
      const ang = [r * f[0]!, r * f[1]!, c * f[0]!, c * f[1]!];
      const want = [...ang, ...ang];
      row(rotaryCos, i).forEach((v, k) => expect(v).toBeCloseTo(Math.cos(want[k]!), 6));
      row(rotarySin, i).forEach((v, k) => expect(v).toBeCloseTo(Math.sin(want[k]!), 6));
    };
    expectRow(3, 1, 1);
    expectRow(4, 0, 2);
    expectRow(15, 3, 3);
  });
});

describe('vision graph on ORT CPU (tiny config)', () => {
  const weights = randomQwen25VLWeights(TINY_TEXT_CONFIG, TINY_VISION_CONFIG, 11);
  const prefix = 'model.visual.';

  async function runGraph(
    modelPath: string,
    pixels: Float32Array,
    grids: readonly GridThw[],
    config = TINY_VISION_CONFIG,
  ) {
    const feeds = visionGraphFeeds(pixels, grids, config);
    return (await runOnce(modelPath, feeds))[VISION_IO.imageEmbeds]!;
  }

  it('a single window-attention block matches the reference', async () => {
    const cfg = { ...TINY_VISION_CONFIG, depth: 1, fullattBlockIndexes: [] };
    const saved = await buildVisionGraph(cfg, weights.source, { precision: 'fp32' }, join(dir, 'one'));
    const grids: GridThw[] = [[1, 12, 20]];
    const pixels = randomArray(240 * patchDim(cfg), seededRandom(5));
    const out = await runGraph(saved.modelPath, pixels, grids, cfg);
    const ref = visionReference(pixels, grids, cfg, weights.tensors, prefix);
    expect(out.dims).toEqual([60, 64]);
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('two images (window + full blocks): [N/4, out_hidden], finite, deterministic, equal to the reference', async () => {
    const saved = await buildVisionGraph(
      TINY_VISION_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'full'),
    );
    expect(saved.outputs).toEqual([{ name: 'image_embeds', dtype: 'float32', dims: ['merged_tokens', 64] }]);
    const grids: GridThw[] = [
      [1, 12, 20],
      [1, 10, 6],
    ];
    const n = 240 + 60;
    const pixels = randomArray(n * patchDim(TINY_VISION_CONFIG), seededRandom(6));
    const a = await runGraph(saved.modelPath, pixels, grids);
    const again = await runGraph(saved.modelPath, pixels, grids);
    expect(a.dims).toEqual([n / 4, 64]);
    const data = a.data as Float32Array;
    expect(data.every(Number.isFinite)).toBe(true);
    expect(Array.from(again.data as Float32Array)).toEqual(Array.from(data));
    const ref = visionReference(pixels, grids, TINY_VISION_CONFIG, weights.tensors, prefix);
    expect(maxAbsDiff(data, ref)).toBeLessThan(1e-5);
    // The second image's tokens must not depend on the first image (full attention is per image).
    const alone = visionReference(
      pixels.slice(240 * 1176),
      [grids[1]!],
      TINY_VISION_CONFIG,
      weights.tensors,
      prefix,
    );
    expect(maxAbsDiff(data.slice(60 * 64), alone)).toBeLessThan(1e-5);
  });

  it('uses the legacy visual.* names as well', async () => {
    const legacy = randomQwen25VLWeights(TINY_TEXT_CONFIG, TINY_VISION_CONFIG, 11, {
      visual: 'visual.',
      language: 'model.',
    });
    const saved = await buildVisionGraph(
      TINY_VISION_CONFIG,
      legacy.source,
      { precision: 'fp32' },
      join(dir, 'legacy'),
    );
    const pixels = randomArray(16 * 1176, seededRandom(8));
    const out = await runGraph(saved.modelPath, pixels, [[1, 4, 4]]);
    const ref = visionReference(pixels, [[1, 4, 4]], TINY_VISION_CONFIG, legacy.tensors, 'visual.');
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('bf16 builds with bf16 weights, float32 I/O, and passes ORT graph resolution up to the CPU kernel lookup', async () => {
    const saved = await buildVisionGraph(
      TINY_VISION_CONFIG,
      weights.source,
      { precision: 'bf16' },
      join(dir, 'bf16'),
    );
    expect(saved.inputs.every((i) => i.dtype !== 'bfloat16') && saved.outputs[0]!.dtype === 'float32').toBe(
      true,
    );
    // Type inference and shape checks run before kernel assignment; ORT's CPU EP has no bf16 MatMul, so a
    // well-typed bf16 graph fails exactly there (it runs on CUDA).
    await expect(runOnce(saved.modelPath, {})).rejects.toThrow(/Could not find an implementation for MatMul/);
  });

  it('int8 (and int4 builds, which keep the ViT at 8 bits): the reference formula on the dequantised weights', async () => {
    expect(visionPrecision('int4')).toBe('int8');
    const quantised =
      /^model\.visual\..*(attn\.(qkv|proj)|mlp\.(gate|up|down)_proj|merger\.mlp\.[02])\.weight$/;
    // MatMulNBits at accuracy level 0 computes in float32 on the dequantised weights: exactly the formula.
    const saved = await buildVisionGraph(
      TINY_VISION_CONFIG,
      weights.source,
      { precision: 'int4', blockSize: 32, accuracyLevel: 0 },
      join(dir, 'int8-exact'),
    );
    const dequantised: typeof weights.tensors = new Map();
    let replaced = 0;
    for (const [name, t] of weights.tensors) {
      if (!quantised.test(name)) {
        dequantised.set(name, t);
        continue;
      }
      const [n, k] = t.shape as [number, number];
      const data = dequantizeBlockwise(quantizeBlockwise(t.data, n, k, 8, 32), 8, 32);
      dequantised.set(name, { shape: t.shape, data });
      replaced++;
    }
    expect(replaced).toBe(TINY_VISION_CONFIG.depth * 5 + 2);
    const grids: GridThw[] = [[1, 8, 12]];
    const pixels = randomArray(96 * patchDim(TINY_VISION_CONFIG), seededRandom(12));
    const out = (await runGraph(saved.modelPath, pixels, grids)).data as Float32Array;
    const ref = visionReference(pixels, grids, TINY_VISION_CONFIG, dequantised, prefix);
    const scale = Math.max(...ref.map(Math.abs));
    expect(maxAbsDiff(out, ref) / scale).toBeLessThan(1e-5);
    // And the default CPU build (int8 activations, accuracy level 4) stays close to the fp32 graph.
    const fast = await buildVisionGraph(
      TINY_VISION_CONFIG,
      weights.source,
      { precision: 'int8', blockSize: 32 },
      join(dir, 'int8-fast'),
    );
    const fp32 = visionReference(pixels, grids, TINY_VISION_CONFIG, weights.tensors, prefix);
    const q = (await runGraph(fast.modelPath, pixels, grids)).data as Float32Array;
    expect(relativeL2(q, fp32)).toBeLessThan(0.02);
    expect(fast.payloadBytes).toBeLessThan(saved.payloadBytes * 1.01);
  });

  it('matches the reference at the 7B head geometry (head_dim 80: 20 rotary frequencies per axis)', async () => {
    const cfg = {
      ...TINY_VISION_CONFIG,
      hiddenSize: 160,
      numHeads: 2,
      headDim: 80,
      intermediateSize: 48,
      depth: 2,
    };
    const w = randomQwen25VLWeights(TINY_TEXT_CONFIG, cfg, 12);
    const saved = await buildVisionGraph(cfg, w.source, { precision: 'fp32' }, join(dir, 'geom'));
    const grids: GridThw[] = [[1, 20, 12]];
    const pixels = randomArray(240 * 1176, seededRandom(13));
    const out = await runGraph(saved.modelPath, pixels, grids, cfg);
    const ref = visionReference(pixels, grids, cfg, w.tensors, prefix);
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });
});
