import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../onnx/testing/runOnce';
import { dequantizeBlockwise, quantizeBlockwise } from '../../onnx';
import type { Precision } from '../../onnx';
import { f16BitsToF32, f32ToF16Bits } from '../../onnx/dtypes';
import { readTextEncoderConfig } from '../../config/text-encoder';
import { textGraphFeeds } from './feeds';
import { TEXT_IO, buildTextGraph } from './graph';
import { mropeChannelComponents } from './mrope';
import { textEncoderTensors } from '../../config/text-encoder-tensors';
import { mropePositionIds } from './position-ids';
import { textReference } from '../testing/text-reference';
import { maxAbsDiff } from '../../testing/compare';
import { randomArray, seededRandom } from '../../testing/seeded';
import {
  TINY_TEXT_CONFIG,
  TINY_TEXT_ENCODER_CONFIG_JSON,
  TINY_VISION_CONFIG,
  randomQwen25VLWeights,
} from '../testing/tiny-text-encoder';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'text-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const IMG = 250;
const VS = 248;
const VE = 249;
const ids = { imageTokenId: IMG, visionStartTokenId: VS };

describe('Qwen2.5-VL text encoder names and config', () => {
  it('names every tensor the graphs read (56 tensors: all but lm_head; 174 304 parameters)', () => {
    const shapes = textEncoderTensors({ ...TINY_TEXT_CONFIG, vision: TINY_VISION_CONFIG }).map(
      (t) => [t.name, t.shape] as const,
    );
    expect(shapes).toHaveLength(56);
    expect(shapes.reduce((a, [, s]) => a + s.reduce((x, d) => x * d, 1), 0)).toBe(174_304);
    const byName = new Map(shapes);
    expect(byName.get('model.visual.patch_embed.proj.weight')).toEqual([32, 3, 2, 14, 14]);
    expect(byName.get('model.language_model.layers.1.self_attn.k_proj.bias')).toEqual([32]);
    expect(byName.get('model.visual.merger.mlp.0.weight')).toEqual([128, 128]);
  });

  it('rejects unsupported values with the field named', () => {
    const bad = (patch: object) => () =>
      readTextEncoderConfig({ ...TINY_TEXT_ENCODER_CONFIG_JSON, ...patch });
    expect(bad({ rope_scaling: { type: 'mrope', mrope_section: [2, 3, 4] } })).toThrow(/mrope_section/);
    expect(bad({ hidden_act: 'gelu' })).toThrow(/hidden_act/);
    expect(bad({ num_key_value_heads: 3 })).toThrow(/num_key_value_heads/);
  });

  it('maps rotary channels to [t | h | w | t | h | w] sections', () => {
    const comp = mropeChannelComponents({ headDim: 128, mropeSection: [16, 24, 24] });
    expect([
      comp[0],
      comp[15],
      comp[16],
      comp[39],
      comp[40],
      comp[63],
      comp[64],
      comp[79],
      comp[80],
      comp[104],
      comp[127],
    ]).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 2, 2]);
  });
});

describe('M-RoPE position ids (upstream get_rope_index, still images)', () => {
  it('reproduces the spec example: 1024² edit prompt, 64 template tokens then a 37×37 image', () => {
    const row = [...Array(64).fill(1), VS, ...Array(1369).fill(IMG), VE, 5, 6];
    const pos = mropePositionIds([row], [[1, 74, 74]], 2, ids);
    const s = row.length;
    const at = (axis: number, i: number) => Number(pos[axis * s + i]);
    expect([at(0, 64), at(1, 64), at(2, 64)]).toEqual([64, 64, 64]);
    expect([at(0, 65), at(1, 65), at(2, 65)]).toEqual([65, 65, 65]);
    // Last image token: merged row 36, column 36.
    expect([at(0, 65 + 1368), at(1, 65 + 1368), at(2, 65 + 1368)]).toEqual([65, 101, 101]);
    // Token 38 of the image run is merged row 1, column 1.
    expect([at(0, 65 + 38), at(1, 65 + 38), at(2, 65 + 38)]).toEqual([65, 66, 66]);
    expect([at(0, 65 + 1369), at(1, 65 + 1369), at(2, 65 + 1369)]).toEqual([102, 102, 102]);
    expect(at(2, s - 1)).toBe(104);
  });

  it('handles two images, a non-square grid and right padding (padding positions are 1)', () => {
    const row = [7, VS, IMG, IMG, IMG, IMG, IMG, IMG, VE, VS, IMG, VE, 9, 0];
    const pos = mropePositionIds(
      [row],
      [
        [1, 4, 6],
        [1, 2, 2],
      ],
      2,
      ids,
      [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]],
    );
    const axis = (a: number) => Array.from(pos.slice(a * 14, (a + 1) * 14), Number);
    expect(axis(0)).toEqual([0, 1, 2, 2, 2, 2, 2, 2, 5, 6, 7, 8, 9, 1]);
    expect(axis(1)).toEqual([0, 1, 2, 2, 2, 3, 3, 3, 5, 6, 7, 8, 9, 1]);
    expect(axis(2)).toEqual([0, 1, 2, 3, 4, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
  });
});

describe('text graph on ORT CPU (tiny config)', () => {
  const weights = randomQwen25VLWeights(TINY_TEXT_CONFIG, TINY_VISION_CONFIG, 21);
  const prefix = 'model.language_model.';
  const h = TINY_TEXT_CONFIG.hiddenSize;
  // Batch of 2: row 0 has a 2×3 merged image (grid 4×6), row 1 a 1×2 one (grid 2×4) and right padding.
  const rows = [
    [3, 17, VS, IMG, IMG, IMG, IMG, IMG, IMG, VE, 40, 41, 42],
    [5, VS, IMG, IMG, VE, 60, 61, 62, 63, 64, 0, 0, 0],
  ];
  const mask = [Array(13).fill(1), [...Array(10).fill(1), 0, 0, 0]];
  const grids = [
    [1, 4, 6],
    [1, 2, 4],
  ] as const;
  const positions = mropePositionIds(rows, grids, 2, ids, mask);
  const image = randomArray(8 * h, seededRandom(9));

  async function runGraph(modelPath: string, imageEmbeds = image): Promise<Float32Array> {
    const feeds = textGraphFeeds(rows, grids, imageEmbeds, TINY_TEXT_CONFIG, 2, mask);
    const t = (await runOnce(modelPath, feeds))[TEXT_IO.lastHiddenState]!;
    expect(t.dims).toEqual([2, 13, h]);
    return t.data as Float32Array;
  }

  /** Compares the rows the model is defined on (padding rows' outputs are unused by the pipeline). */
  const validRows = (x: Float32Array) =>
    x.filter((_, i) => mask[Math.floor(i / (13 * h))]![Math.floor(i / h) % 13] === 1);

  it('one layer (RMSNorm, M-RoPE GQA causal attention, SwiGLU) matches the reference', async () => {
    const cfg = { ...TINY_TEXT_CONFIG, numLayers: 1 };
    const saved = await buildTextGraph(cfg, weights.source, { precision: 'fp32' }, join(dir, 'one'));
    const out = await runGraph(saved.modelPath);
    const ref = textReference(rows, mask, positions, image, cfg, weights.tensors, prefix);
    expect(maxAbsDiff(validRows(out), validRows(ref))).toBeLessThan(1e-5);
  });

  it('two layers with image features: finite, deterministic, equal to the reference; images land on the pads', async () => {
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'fp32'),
    );
    expect(saved.inputs.map((i) => i.name)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      'image_embeds',
    ]);
    const a = await runGraph(saved.modelPath);
    const again = await runGraph(saved.modelPath);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(again)).toEqual(Array.from(a));
    const ref = textReference(rows, mask, positions, image, TINY_TEXT_CONFIG, weights.tensors, prefix);
    expect(maxAbsDiff(validRows(a), validRows(ref))).toBeLessThan(1e-5);
    // Different image features change the outputs from the first image token on, not before it.
    const other = await runGraph(
      saved.modelPath,
      image.map((v) => -v),
    );
    expect(maxAbsDiff(a.subarray(0, 3 * h), other.subarray(0, 3 * h))).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.subarray(3 * h, 4 * h), other.subarray(3 * h, 4 * h))).toBeGreaterThan(1e-2);
  });

  it.each<[Precision, number]>([
    ['int8', 0.02],
    ['int4', 0.25],
  ])('%s weight-only linears run on CPU and stay close to fp32', async (precision, bound) => {
    const fp32 = await runGraph(
      (await buildTextGraph(TINY_TEXT_CONFIG, weights.source, { precision: 'fp32' }, join(dir, 'ref')))
        .modelPath,
    );
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision, blockSize: 32 },
      join(dir, precision),
    );
    const q = await runGraph(saved.modelPath);
    let num = 0;
    let den = 0;
    validRows(q).forEach((v, i) => {
      num += (v - validRows(fp32)[i]!) ** 2;
      den += validRows(fp32)[i]! ** 2;
    });
    const rel = Math.sqrt(num / den);
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(bound);
  });

  it('int builds keep the embedding table in float16: the reference on the dequantised linears and the float16-rounded table', async () => {
    const quantised = /^model\.language_model\..*(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$/;
    const table = /embed_tokens\.weight$/;
    const exact: typeof weights.tensors = new Map();
    for (const [name, t] of weights.tensors) {
      const [n, k] = t.shape as [number, number];
      const data = quantised.test(name)
        ? dequantizeBlockwise(quantizeBlockwise(t.data, n, k, 8, 32), 8, 32)
        : table.test(name)
          ? t.data.map((v) => f16BitsToF32(f32ToF16Bits(v)))
          : t.data;
      exact.set(name, { shape: t.shape, data });
    }
    // Accuracy level 0: MatMulNBits computes in float32 on the dequantised weights, exactly the formula.
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'int8', blockSize: 32, accuracyLevel: 0 },
      join(dir, 'int8-exact'),
    );
    const out = await runGraph(saved.modelPath);
    const ref = textReference(rows, mask, positions, image, TINY_TEXT_CONFIG, exact, prefix);
    expect(maxAbsDiff(validRows(out), validRows(ref))).toBeLessThan(1e-5);
    // The float32 table would differ: the test sees the float16 rounding.
    const wide = textReference(rows, mask, positions, image, TINY_TEXT_CONFIG, weights.tensors, prefix);
    expect(maxAbsDiff(validRows(wide), validRows(ref))).toBeGreaterThan(1e-4);
  });

  it('bf16 builds with bf16 weights and float32 graph I/O', async () => {
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'bf16' },
      join(dir, 'bf16'),
    );
    const fp32 = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'fp32b'),
    );
    expect(saved.outputs[0]!.dtype).toBe('float32');
    expect(saved.payloadBytes).toBeLessThan(fp32.payloadBytes * 0.6);
    // Type inference runs before kernel assignment: a well-typed bf16 graph fails only at the CPU EP's missing
    // bf16 MatMul (it runs on CUDA).
    await expect(runOnce(saved.modelPath, {})).rejects.toThrow(/Could not find an implementation for MatMul/);
    // int4 weights with bf16 activations (the GPU variant) resolve the same way up to MatMulNBits' kernel.
    const q = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'int4', compute: 'bfloat16', blockSize: 64 },
      join(dir, 'int4-bf16'),
    );
    await expect(runOnce(q.modelPath, {})).rejects.toThrow(/implementation for MatMulNBits/);
  });

  it('a left-padded row gives the same hidden states as the unpadded row run alone', async () => {
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'leftpad'),
    );
    const runFeeds = async (feeds: ReturnType<typeof textGraphFeeds>) =>
      (await runOnce(saved.modelPath, feeds))[TEXT_IO.lastHiddenState]!.data as Float32Array;
    const row = [5, VS, IMG, IMG, VE, 60, 61];
    const img = randomArray(2 * h, seededRandom(17));
    const alone = await runFeeds(textGraphFeeds([row], [[1, 2, 4]], img, TINY_TEXT_CONFIG, 2));
    const padded = await runFeeds(
      textGraphFeeds(
        [
          [0, 0, 0, ...row],
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        ],
        [[1, 2, 4]],
        img,
        TINY_TEXT_CONFIG,
        2,
        [[0, 0, 0, 1, 1, 1, 1, 1, 1, 1], Array(10).fill(1)],
      ),
    );
    expect(padded.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(padded.subarray(3 * h, 10 * h), alone)).toBeLessThan(1e-5);
  });

  it('runs a prompt without any image (image_embeds with 0 rows)', async () => {
    const saved = await buildTextGraph(
      TINY_TEXT_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'noimg'),
    );
    const tokens = [[11, 12, 13, 14, 15]];
    const feeds = textGraphFeeds(tokens, [], new Float32Array(0), TINY_TEXT_CONFIG, 2);
    const out = (await runOnce(saved.modelPath, feeds))[TEXT_IO.lastHiddenState]!;
    const ref = textReference(
      tokens,
      [[1, 1, 1, 1, 1]],
      feeds[TEXT_IO.positionIds]!.data as BigInt64Array,
      new Float32Array(0),
      TINY_TEXT_CONFIG,
      weights.tensors,
      prefix,
    );
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });
});

describe('text graph at the 7B head geometry (head_dim 128, mrope_section [16, 24, 24], θ = 1e6)', () => {
  it('one GQA layer matches the reference at large position ids', async () => {
    const cfg = readTextEncoderConfig({
      ...TINY_TEXT_ENCODER_CONFIG_JSON,
      hidden_size: 256,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      num_hidden_layers: 1,
      intermediate_size: 96,
      vocab_size: 300,
      rope_scaling: { type: 'mrope', mrope_section: [16, 24, 24] },
      vision_config: { ...TINY_TEXT_ENCODER_CONFIG_JSON.vision_config, out_hidden_size: 256 },
    });
    const w = randomQwen25VLWeights(cfg, TINY_VISION_CONFIG, 31);
    const saved = await buildTextGraph(cfg, w.source, { precision: 'fp32' }, join(dir, 'geom'));
    // 1300 template tokens before a 3×4 merged image push positions to the 1e3 range as in a real prompt.
    const tokens = [[1, 2, VS, ...Array(12).fill(IMG), VE, 7, 8]];
    const grids = [[1, 6, 8]] as const;
    const image = randomArray(12 * 256, seededRandom(4));
    const feeds = textGraphFeeds(tokens, grids, image, cfg, 2);
    const pos = feeds[TEXT_IO.positionIds]!.data as BigInt64Array;
    for (let i = 0; i < pos.length; i++) pos[i] = pos[i]! + 1300n;
    const out = (await runOnce(saved.modelPath, feeds))[TEXT_IO.lastHiddenState]!;
    const ref = textReference(
      tokens,
      [tokens[0]!.map(() => 1)],
      pos,
      image,
      cfg,
      w.tensors,
      'model.language_model.',
    );
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });
});
