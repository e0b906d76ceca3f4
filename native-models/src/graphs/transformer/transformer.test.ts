import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, encodeFloats, rmsNorm, silu } from '../../onnx';
import { openSafetensors, writeSafetensors } from '../../safetensors';
import type { Precision } from '../../onnx';
import { memoryWeightSource } from '../../weights';
import { readTransformerConfig } from '../../config/transformer';
import { applyRope, jointAttention } from './attention';
import { modulate, modulationParams } from './block';
import type { JointInputs, KeyMask, TransformerContext } from './context';
import { buildTransformerGraph, transformerGraph, TRANSFORMER_OUTPUT } from './graph';
import { qwenImageRopeTables } from './rope';
import { buildModulationGraph, MODULATION_IO } from './modulation';
import { modulationFeeds } from './modulation-feeds';
import type { ModulationTable } from './modulation-feeds';
import type { ImageGrid, RopeTables } from './rope';
import {
  randomTransformerWeights,
  refJointAttention,
  refModulate,
  refModulation,
  refRmsNorm,
  refRope,
  refTransformer,
} from '../testing/transformer-reference';
import { runOnce as run } from '../../onnx/testing/runOnce';
import { maxAbsDiff, relativeL2 } from '../../testing/compare';
import { seededRandom, uniformArray } from '../../testing/seeded';

// The tiny config of shared/spec/checkpoint-names.md (fixed here so the test does not follow generator changes).
const shape = readTransformerConfig({
  _class_name: 'QwenImageTransformer2DModel',
  attention_head_dim: 32,
  axes_dims_rope: [8, 12, 12],
  guidance_embeds: false,
  in_channels: 64,
  joint_attention_dim: 48,
  num_attention_heads: 2,
  num_layers: 2,
  out_channels: 16,
  patch_size: 2,
});
const weights = randomTransformerWeights(shape, 1234);
const src = memoryWeightSource(weights);
const D = shape.numHeads * shape.headDim;
const pairs = shape.headDim / 2;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'transformer-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (n: number, seed: number, scale = 1) => uniformArray(n, seededRandom(seed), scale);

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

// Two images of 2×3 packed tokens (output + reference), 5 text tokens, batch 2 (item 1 has 2 padded tokens).
const images: ImageGrid[] = [
  [1, 2, 3],
  [1, 2, 3],
];
const B = 2;
const L = 5;
const rope = qwenImageRopeTables({ axesDims: shape.axesDimsRope, images, textTokens: L });
const S = rope.imageTokens;
const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
const hidden = values(B * S * shape.inChannels, 11);
const encoder = values(B * L * shape.jointAttentionDim, 12, 2);
const sigmas = [0.75, 0.3125];

function ropeFeeds(r: RopeTables): Record<string, ort.Tensor> {
  return {
    img_rope_cos: f32(r.imageCos, [r.imageTokens, r.pairs]),
    img_rope_sin: f32(r.imageSin, [r.imageTokens, r.pairs]),
    txt_rope_cos: f32(r.textCos, [r.textTokens, r.pairs]),
    txt_rope_sin: f32(r.textSin, [r.textTokens, r.pairs]),
  };
}

function transformerFeeds(encoderData = encoder): Record<string, ort.Tensor> {
  return {
    hidden_states: f32(hidden, [B, S, shape.inChannels]),
    encoder_hidden_states: f32(encoderData, [B, L, shape.jointAttentionDim]),
    encoder_hidden_states_mask: f32(mask, [B, L]),
    timestep: f32(Float32Array.from(sigmas), [B]),
    ...ropeFeeds(rope),
  };
}

function reference(item: number, encoderData = encoder): Float64Array {
  return refTransformer(weights, shape, {
    hidden: hidden.subarray(item * S * shape.inChannels, (item + 1) * S * shape.inChannels),
    encoder: encoderData.subarray(
      item * L * shape.jointAttentionDim,
      (item + 1) * L * shape.jointAttentionDim,
    ),
    mask: mask.subarray(item * L, (item + 1) * L),
    sigma: sigmas[item]!,
    rope,
  });
}

describe('RoPE tables (host side)', () => {
  it('centres spatial positions, numbers frames by image, and starts text after the largest half-size', () => {
    const r = qwenImageRopeTables({
      axesDims: [8, 12, 12],
      images: [
        [1, 3, 4],
        [1, 2, 2],
      ],
      textTokens: 2,
    });
    expect(r.pairs).toBe(16);
    expect(r.imageTokens).toBe(12 + 4);
    const angle = (cos: number, sin: number) => Math.atan2(sin, cos);
    const freq = (d: number, k: number) => 1 / Math.pow(10000, (2 * k) / d);
    // Token (row 0, col 0) of image 0: frame 0, height −2 (= −⌈3/2⌉), width −2.
    // Pair 1 of each axis: frame k=1 of d=8, height pair (4+1) k=1 of d=12, width pair (4+6+1) k=1 of d=12.
    const at = (table: Float32Array, token: number, pair: number) => table[token * 16 + pair]!;
    expect(angle(at(r.imageCos, 0, 1), at(r.imageSin, 0, 1))).toBeCloseTo(0, 6);
    expect(angle(at(r.imageCos, 0, 5), at(r.imageSin, 0, 5))).toBeCloseTo(-2 * freq(12, 1), 6);
    expect(angle(at(r.imageCos, 0, 11), at(r.imageSin, 0, 11))).toBeCloseTo(-2 * freq(12, 1), 6);
    // Last token of image 0 (row 2, col 3): height 0, width 1.
    expect(angle(at(r.imageCos, 11, 5), at(r.imageSin, 11, 5))).toBeCloseTo(0, 6);
    expect(angle(at(r.imageCos, 11, 11), at(r.imageSin, 11, 11))).toBeCloseTo(freq(12, 1), 6);
    // Image 1 uses frame position 1.
    expect(angle(at(r.imageCos, 12, 1), at(r.imageSin, 12, 1))).toBeCloseTo(freq(8, 1), 6);
    // Text: m = max(⌊3/2⌋, ⌊4/2⌋, ⌊2/2⌋) = 2, so token j sits at 2 + j on all three axes.
    for (const [pair, d, k] of [
      [1, 8, 1],
      [5, 12, 1],
      [11, 12, 1],
    ] as const) {
      expect(angle(at(r.textCos, 1, pair), at(r.textSin, 1, pair))).toBeCloseTo(3 * freq(d, k), 6);
    }
    // Pair 0 of every axis has frequency 1: the angle is the position itself.
    expect(r.textCos[0]).toBeCloseTo(Math.cos(2), 7);
  });

  it('gives the 1024² edit layout: 8192 image tokens, rows −32…31, text from 32', () => {
    const r = qwenImageRopeTables({
      images: [
        [1, 64, 64],
        [1, 64, 64],
      ],
      textTokens: 3,
    });
    expect(r.pairs).toBe(64);
    expect(r.imageTokens).toBe(8192);
    // Height pair 0 (frequency 1) of the first token: position −32 → cos(−32).
    expect(r.imageCos[8]).toBeCloseTo(Math.cos(-32), 6);
    expect(r.textSin[0]).toBeCloseTo(Math.sin(32), 6);
  });
});

describe('transformer pieces vs the plain-loop reference', () => {
  it('RMSNorm (txt_norm) matches to 1e-5', async () => {
    const b = new GraphBuilder({ name: 'rms' });
    const x = b.input('x', 'float32', [L, shape.jointAttentionDim]);
    b.output(rmsNorm(b, src, x, 'txt_norm.weight', 1e-6), 'y', 'float32', [L, shape.jointAttentionDim]);
    const saved = await b.save(join(dir, 'rms'));
    const xs = encoder.subarray(0, L * shape.jointAttentionDim);
    const y = (await run(saved.modelPath, { x: f32(xs, [L, shape.jointAttentionDim]) })).y!
      .data as Float32Array;
    expect(
      maxAbsDiff(y, refRmsNorm(xs, shape.jointAttentionDim, weights['txt_norm.weight']!.data, 1e-6)),
    ).toBeLessThan(1e-5);
  });

  it('AdaLN modulation (shift/scale/gate order) matches to 1e-5', async () => {
    const b = new GraphBuilder({ name: 'adaln' });
    const ctx: TransformerContext = { b, src, shape };
    const temb = b.input('temb', 'float32', [1, D]);
    const x = b.input('x', 'float32', [1, S, D]);
    const [m1, m2] = modulationParams(ctx, silu(b, temb), 'transformer_blocks.0.img_mod.1');
    b.output(modulate(b, x, D, m1.shift, m1.scale, 'norm1'), 'y1', 'float32', [1, S, D]);
    b.output(modulate(b, x, D, m2.shift, m2.scale, 'norm2'), 'y2', 'float32', [1, S, D]);
    b.output(m1.gate, 'gate1', 'float32', [1, 1, D]);
    b.output(m2.gate, 'gate2', 'float32', [1, 1, D]);
    const saved = await b.save(join(dir, 'adaln'));
    const tembData = values(D, 21, 2);
    const xData = values(S * D, 22, 3);
    const out = await run(saved.modelPath, { temb: f32(tembData, [1, D]), x: f32(xData, [1, S, D]) });
    const [sh1, sc1, g1, sh2, sc2, g2] = refModulation(
      weights,
      'transformer_blocks.0.img_mod.1',
      tembData,
      D,
    ) as Float64Array[];
    expect(maxAbsDiff(out.y1!.data as Float32Array, refModulate(xData, D, sh1!, sc1!))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.y2!.data as Float32Array, refModulate(xData, D, sh2!, sc2!))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.gate1!.data as Float32Array, g1!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.gate2!.data as Float32Array, g2!)).toBeLessThan(1e-5);
  });

  it('RoPE on interleaved pairs (fused RotaryEmbedding) matches the complex multiplication to 1e-5', async () => {
    const b = new GraphBuilder({ name: 'rope' });
    const x = b.input('x', 'float32', [1, S, shape.numHeads, shape.headDim]);
    const cos = b.input('cos', 'float32', [S, pairs]);
    const sin = b.input('sin', 'float32', [S, pairs]);
    b.output(applyRope(b, x, cos, sin), 'y', 'float32', [1, S, D]);
    const saved = await b.save(join(dir, 'rope'));
    const xData = values(S * D, 31);
    const out = await run(saved.modelPath, {
      x: f32(xData, [1, S, shape.numHeads, shape.headDim]),
      cos: f32(rope.imageCos, [S, pairs]),
      sin: f32(rope.imageSin, [S, pairs]),
    });
    expect(
      maxAbsDiff(
        out.y!.data as Float32Array,
        refRope(xData, S, shape.numHeads, shape.headDim, rope.imageCos, rope.imageSin),
      ),
    ).toBeLessThan(1e-5);
  });

  it.each(['mha', 'matmul'] as const)(
    'joint attention (%s) with QK-norm, RoPE and a padding mask matches to 1e-5',
    async (kind) => {
      const b = new GraphBuilder({ name: 'attn' });
      const ctx: TransformerContext = { b, src, shape };
      const image = b.input('image', 'float32', [B, S, D]);
      const text = b.input('text', 'float32', [B, L, D]);
      const keyMask = b.input('mask', 'float32', [B, L]);
      const table = (img: Float32Array, txt: Float32Array) =>
        b.tensorConstant(Float32Array.from([...txt, ...img]), 'float32', [L + S, pairs]);
      const bias = b.op(
        'Concat',
        [b.op('Mul', [b.op('Sub', [keyMask, b.constant(1)]), b.constant(1e30)]), b.filled(0, [B, S])],
        { axis: 1 },
      );
      const padding = b.op('Cast', [b.op('Concat', [keyMask, b.filled(1, [B, S])], { axis: 1 })], { to: 6 });
      const keys: KeyMask =
        kind === 'mha'
          ? { kind, keyPaddingMask: padding }
          : { kind, keyBias: b.op('Unsqueeze', [bias, b.constant([1, 2], 'int64')]) };
      const joint: JointInputs = {
        ropeCos: table(rope.imageCos, rope.textCos),
        ropeSin: table(rope.imageSin, rope.textSin),
        keys,
        textLength: b.constant([L], 'int64'),
      };
      const [imgOut, txtOut] = jointAttention(ctx, 'transformer_blocks.1', image, text, joint);
      b.output(imgOut, 'img', 'float32', [B, S, D]);
      b.output(txtOut, 'txt', 'float32', [B, L, D]);
      const saved = await b.save(join(dir, `attn-${kind}`));
      const imgData = values(B * S * D, 41);
      const txtData = values(B * L * D, 42);
      const out = await run(saved.modelPath, {
        image: f32(imgData, [B, S, D]),
        text: f32(txtData, [B, L, D]),
        mask: f32(mask, [B, L]),
      });
      for (let item = 0; item < B; item++) {
        const [ri, rt] = refJointAttention(
          weights,
          shape,
          'transformer_blocks.1',
          imgData.subarray(item * S * D, (item + 1) * S * D),
          txtData.subarray(item * L * D, (item + 1) * L * D),
          mask.subarray(item * L, (item + 1) * L),
          rope,
        );
        expect(
          maxAbsDiff((out.img!.data as Float32Array).subarray(item * S * D, (item + 1) * S * D), ri),
        ).toBeLessThan(1e-5);
        expect(
          maxAbsDiff((out.txt!.data as Float32Array).subarray(item * L * D, (item + 1) * L * D), rt),
        ).toBeLessThan(1e-5);
      }
    },
  );
});

describe('QwenImageTransformer2DModel graph (tiny config)', () => {
  let fp32Path: string;
  let fp32Out: Float32Array;

  beforeAll(async () => {
    const info = await buildTransformerGraph(shape, src, { precision: 'fp32' }, join(dir, 'fp32'));
    fp32Path = info.saved.modelPath;
    fp32Out = (await run(fp32Path, transformerFeeds()))[TRANSFORMER_OUTPUT]!.data as Float32Array;
  });

  it('declares the documented inputs and output', async () => {
    const info = await buildTransformerGraph(shape, src, { precision: 'fp32' }, join(dir, 'io'));
    expect(info.inputs.map((i) => [i.name, i.dims])).toEqual([
      ['hidden_states', ['batch', 'image_tokens', 64]],
      ['encoder_hidden_states', ['batch', 'text_tokens', 48]],
      ['encoder_hidden_states_mask', ['batch', 'text_tokens']],
      ['timestep', ['batch']],
      ['img_rope_cos', ['image_tokens', 16]],
      ['txt_rope_cos', ['text_tokens', 16]],
      ['img_rope_sin', ['image_tokens', 16]],
      ['txt_rope_sin', ['text_tokens', 16]],
    ]);
    expect(info.outputs).toEqual([{ name: 'sample', dtype: 'float32', dims: ['batch', 'image_tokens', 64] }]);
    for (const p of info.saved.placements) expect(p.offset % 65536).toBe(0);
  });

  it('fp32 forward matches the plain-loop reference to 1e-5, finite and of the right shape (MHA and MatMul attention)', async () => {
    const explicit = await buildTransformerGraph(
      shape,
      src,
      { precision: 'fp32', attention: 'matmul' },
      join(dir, 'fp32-matmul'),
    );
    const matmulOut = (await run(explicit.saved.modelPath, transformerFeeds()))[TRANSFORMER_OUTPUT]!
      .data as Float32Array;
    expect(fp32Out.length).toBe(B * S * 64);
    expect(fp32Out.every(Number.isFinite)).toBe(true);
    let scale = 0;
    for (let item = 0; item < B; item++) {
      const ref = reference(item);
      const got = fp32Out.subarray(item * S * 64, (item + 1) * S * 64);
      const diff = maxAbsDiff(got, ref);
      const diffMatmul = maxAbsDiff(matmulOut.subarray(item * S * 64, (item + 1) * S * 64), ref);
      console.log(
        `tiny transformer fp32, item ${item}: max |ONNX − reference| = ${diff.toExponential(2)} (mha), ${diffMatmul.toExponential(2)} (matmul)`,
      );
      expect(diff).toBeLessThan(1e-5);
      expect(diffMatmul).toBeLessThan(1e-5);
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
    }
    // Non-trivial activations: the output is neither tiny nor exploding.
    expect(scale).toBeGreaterThan(0.1);
    expect(scale).toBeLessThan(100);
  });

  it('the same graph serves other layouts without a rebuild (three images of different sizes, batch 1)', async () => {
    const grids: ImageGrid[] = [
      [1, 3, 2],
      [1, 2, 2],
      [1, 1, 3],
    ];
    const textTokens = 4;
    const r = qwenImageRopeTables({ axesDims: shape.axesDimsRope, images: grids, textTokens });
    const tokens = r.imageTokens;
    const h = values(tokens * shape.inChannels, 51);
    const e = values(textTokens * shape.jointAttentionDim, 52, 2);
    const m = Float32Array.from([1, 1, 1, 0]);
    const out = (
      await run(fp32Path, {
        hidden_states: f32(h, [1, tokens, shape.inChannels]),
        encoder_hidden_states: f32(e, [1, textTokens, shape.jointAttentionDim]),
        encoder_hidden_states_mask: f32(m, [1, textTokens]),
        timestep: f32(Float32Array.from([0.5]), [1]),
        ...ropeFeeds(r),
      })
    )[TRANSFORMER_OUTPUT]!;
    expect(out.dims).toEqual([1, tokens, 64]);
    const ref = refTransformer(weights, shape, { hidden: h, encoder: e, mask: m, sigma: 0.5, rope: r });
    expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('zero_cond_t (Edit-2511): reference tokens modulated with t = 0 match the reference to 1e-5', async () => {
    const info = await buildTransformerGraph(
      shape,
      src,
      { precision: 'fp32', zeroCondT: true },
      join(dir, 'zero-cond'),
    );
    expect(info.inputs.map((i) => i.name)).toContain('modulate_index');
    // Noise tokens are image 0 (6 tokens), reference tokens image 1 (6 tokens).
    const index = Float32Array.from({ length: B * S }, (_, i) => (i % S < S / 2 ? 0 : 1));
    const out = (
      await run(info.saved.modelPath, { ...transformerFeeds(), modulate_index: f32(index, [B, S]) })
    )[TRANSFORMER_OUTPUT]!.data as Float32Array;
    for (let item = 0; item < B; item++) {
      const ref = refTransformer(weights, shape, {
        hidden: hidden.subarray(item * S * shape.inChannels, (item + 1) * S * shape.inChannels),
        encoder: encoder.subarray(
          item * L * shape.jointAttentionDim,
          (item + 1) * L * shape.jointAttentionDim,
        ),
        mask: mask.subarray(item * L, (item + 1) * L),
        sigma: sigmas[item]!,
        rope,
        modulateIndex: index.subarray(item * S, (item + 1) * S),
      });
      expect(maxAbsDiff(out.subarray(item * S * 64, (item + 1) * S * 64), ref)).toBeLessThan(1e-5);
    }
    // It differs from the plain model, and an all-zero index gives the plain model back.
    expect(maxAbsDiff(out, fp32Out)).toBeGreaterThan(1e-3);
    const zeros = (
      await run(info.saved.modelPath, {
        ...transformerFeeds(),
        modulate_index: f32(new Float32Array(B * S), [B, S]),
      })
    )[TRANSFORMER_OUTPUT]!.data as Float32Array;
    expect(maxAbsDiff(zeros, fp32Out)).toBeLessThan(1e-6);
  });

  it('padded text tokens (mask 0) do not affect the output at all', async () => {
    const changed = Float32Array.from(encoder);
    // Item 1's two padded tokens get different embeddings.
    for (let i = (L + 3) * shape.jointAttentionDim; i < 2 * L * shape.jointAttentionDim; i++)
      changed[i] = 5 * Math.sin(i);
    const out = (await run(fp32Path, transformerFeeds(changed)))[TRANSFORMER_OUTPUT]!.data as Float32Array;
    expect(Array.from(out)).toEqual(Array.from(fp32Out));
  });

  it.each(['mha', 'matmul'] as const)(
    'without a mask input (%s) it equals the masked graph fed an all-ones mask',
    async (attention) => {
      const unmasked = await buildTransformerGraph(
        shape,
        src,
        { precision: 'fp32', attention, textMask: false },
        join(dir, `nomask-${attention}`),
      );
      expect(unmasked.inputs.map((i) => i.name)).not.toContain('encoder_hidden_states_mask');
      const ones = new Float32Array(B * L).fill(1);
      const feeds = transformerFeeds();
      const masked = (await run(fp32Path, { ...feeds, encoder_hidden_states_mask: f32(ones, [B, L]) }))[
        TRANSFORMER_OUTPUT
      ]!.data as Float32Array;
      const { encoder_hidden_states_mask: _unused, ...withoutMask } = feeds;
      const out = (await run(unmasked.saved.modelPath, withoutMask))[TRANSFORMER_OUTPUT]!
        .data as Float32Array;
      expect(maxAbsDiff(out, masked)).toBeLessThan(1e-6);
    },
  );

  it('float16 attention (casts around MultiHeadAttention) stays within float16 rounding of the fp32 graph', async () => {
    const half = await buildTransformerGraph(
      shape,
      src,
      { precision: 'fp32', attentionType: 'float16' },
      join(dir, 'attention-fp16'),
    );
    const view = transformerGraph(shape, src, { precision: 'fp32', attentionType: 'float16' }).view();
    const attention = view.nodes.filter((n) => n.opType === 'MultiHeadAttention');
    expect(attention).toHaveLength(shape.numLayers);
    // Every MultiHeadAttention reads three float16 casts and feeds one cast back.
    for (const node of attention) {
      const producers = node.inputs.slice(0, 3).map((i) => view.nodes.find((n) => n.outputs.includes(i))!);
      expect(producers.map((p) => [p.opType, Object.fromEntries(p.attributes).to])).toEqual(
        Array(3).fill(['Cast', { type: 'int', value: 10 }]),
      );
    }
    // The CPU has no float16 MultiHeadAttention: ORT inserts casts to float32 and then removes the redundant
    // pairs, so here the graph must equal the fp32 one; on CUDA it runs in float16 (11-bit significand, relative
    // step 9.8e-4), which the bound below also admits.
    const out = (await run(half.saved.modelPath, transformerFeeds()))[TRANSFORMER_OUTPUT]!
      .data as Float32Array;
    expect(out.every(Number.isFinite)).toBe(true);
    expect(relativeL2(out, fp32Out)).toBeLessThan(2e-3);
  });

  it('is deterministic: rebuilding gives identical files, rerunning identical outputs', async () => {
    const again = await buildTransformerGraph(shape, src, { precision: 'fp32' }, join(dir, 'fp32-again'));
    expect(Buffer.compare(await readFile(again.saved.modelPath), await readFile(fp32Path))).toBe(0);
    expect(Buffer.compare(await readFile(again.saved.dataPath), await readFile(`${fp32Path}.data`))).toBe(0);
    const out = (await run(again.saved.modelPath, transformerFeeds()))[TRANSFORMER_OUTPUT]!
      .data as Float32Array;
    expect(Array.from(out)).toEqual(Array.from(fp32Out));
  });

  it('int8 and int4 (MatMulNBits, block 32/64/128) run on CPU close to fp32', async () => {
    const errors: Record<string, number> = {};
    for (const precision of ['int8', 'int4'] as Precision[]) {
      for (const blockSize of [32, 64, 128] as const) {
        const info = await buildTransformerGraph(
          shape,
          src,
          { precision, blockSize },
          join(dir, `${precision}-${blockSize}`),
        );
        const out = (await run(info.saved.modelPath, transformerFeeds()))[TRANSFORMER_OUTPUT]!
          .data as Float32Array;
        expect(out.every(Number.isFinite)).toBe(true);
        errors[`${precision}/${blockSize}`] = relativeL2(out, fp32Out);
      }
    }
    console.log('tiny transformer: relative L2 error of the output vs fp32', errors);
    for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(k.startsWith('int8') ? 0.02 : 0.2);
  });

  it('bf16 graph: bf16 weights, float32 I/O, well-formed (CPU only lacks the bf16 kernels)', async () => {
    const info = await buildTransformerGraph(shape, src, { precision: 'bf16' }, join(dir, 'bf16'));
    const w = info.saved.placements.find((p) => p.name === 'transformer_blocks.0.img_mod.1.weight.T')!;
    expect(w.length).toBe(6 * D * D * 2);
    expect(info.inputs.every((i) => i.dtype === 'float32')).toBe(true);
    await expect(run(info.saved.modelPath, {}, { graphOptimizationLevel: 'disabled' })).rejects.toThrow(
      /Could not find an implementation for \w+\(\d+\) node/,
    );
  });

  it('from safetensors checkpoints: fp32 gives the same graph output, bf16 copies biases and norms byte for byte', async () => {
    const file = (dtype: 'F32' | 'BF16') => join(dir, `transformer-${dtype}.safetensors`);
    for (const dtype of ['F32', 'BF16'] as const) {
      await writeSafetensors(
        file(dtype),
        Object.entries(weights).map(([name, t]) => ({
          name,
          dtype,
          shape: t.shape,
          data: () => (dtype === 'F32' ? new Uint8Array(t.data.buffer) : encodeFloats(t.data, 'bfloat16')),
        })),
      );
    }
    const fromF32 = await buildTransformerGraph(
      shape,
      await openSafetensors(file('F32')),
      { precision: 'fp32' },
      join(dir, 'st-fp32'),
    );
    const out = (await run(fromF32.saved.modelPath, transformerFeeds()))[TRANSFORMER_OUTPUT]!
      .data as Float32Array;
    expect(Array.from(out)).toEqual(Array.from(fp32Out));

    const bf16Source = await openSafetensors(file('BF16'));
    const fromBf16 = await buildTransformerGraph(
      shape,
      bf16Source,
      { precision: 'bf16' },
      join(dir, 'st-bf16'),
    );
    const data = await readFile(fromBf16.saved.dataPath);
    for (const name of ['transformer_blocks.1.attn.to_q.bias', 'txt_norm.weight', 'proj_out.bias']) {
      const placed = fromBf16.saved.placements.find((p) => p.name === name)!;
      const range = bf16Source.locate(name)!;
      const original = (await readFile(range.path)).subarray(range.offset, range.offset + range.length);
      expect(
        Buffer.compare(data.subarray(placed.offset, placed.offset + placed.length), original),
        name,
      ).toBe(0);
    }
  });

  it('names the missing tensor when the checkpoint lacks one', () => {
    const partial = { ...weights };
    delete (partial as Record<string, unknown>)['transformer_blocks.1.attn.norm_added_k.weight'];
    expect(() => transformerGraph(shape, memoryWeightSource(partial))).toThrow(
      /transformer_blocks\.1\.attn\.norm_added_k\.weight/,
    );
  });
});

describe('modulation outside the transformer graph (tiny config)', () => {
  /** max |a − b| / max |b|. */
  const relMax = (a: Float32Array, b: Float32Array) =>
    maxAbsDiff(a, b) / b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  async function modulationTable(modelPath: string, steps: readonly number[]): Promise<ModulationTable> {
    const out = await run(modelPath, {
      [MODULATION_IO.timestep]: f32(Float32Array.from(steps), [steps.length]),
    });
    return {
      sigmas: steps,
      layers: shape.numLayers,
      width: 6 * D,
      img: out[MODULATION_IO.img]!.data as Float32Array,
      txt: out[MODULATION_IO.txt]!.data as Float32Array,
      out: out[MODULATION_IO.out]!.data as Float32Array,
    };
  }

  it('equals the fused graph (fp32, ≤1e-6 relative) from one modulation run over all timesteps, zero_cond_t included', async () => {
    const mod = await buildModulationGraph(shape, src, { precision: 'fp32' }, join(dir, 'mod'));
    expect(mod.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['img_mod', ['steps', 2, 6 * D]],
      ['txt_mod', ['steps', 2, 6 * D]],
      ['out_mod', ['steps', 2 * D]],
    ]);
    // A run's whole schedule at once (the two σ of the batch among others), plus σ = 0 for zero_cond_t.
    const table = await modulationTable(mod.saved.modelPath, [1, sigmas[1]!, 0.5, sigmas[0]!, 0]);
    const { timestep: _t, ...feeds } = transformerFeeds();
    const index = Float32Array.from({ length: B * S }, (_, i) => (i % S < S / 2 ? 0 : 1));
    for (const zeroCondT of [false, true]) {
      const tag = zeroCondT ? 'zero-cond' : 'plain';
      const fused = await buildTransformerGraph(
        shape,
        src,
        { precision: 'fp32', zeroCondT },
        join(dir, `fused-${tag}`),
      );
      const split = await buildTransformerGraph(
        shape,
        src,
        { precision: 'fp32', zeroCondT, modulation: 'inputs' },
        join(dir, `split-${tag}`),
      );
      const names = split.inputs.map((i) => i.name);
      expect(names).not.toContain('timestep');
      expect(names).toEqual(expect.arrayContaining(['img_mod', 'txt_mod', 'out_mod']));
      expect(names.includes('img_mod_ref')).toBe(zeroCondT);
      const extra: Record<string, ort.Tensor> = zeroCondT ? { modulate_index: f32(index, [B, S]) } : {};
      const want = (await run(fused.saved.modelPath, { ...transformerFeeds(), ...extra }))[
        TRANSFORMER_OUTPUT
      ]!.data as Float32Array;
      const got = (
        await run(split.saved.modelPath, { ...feeds, ...extra, ...modulationFeeds(table, sigmas, zeroCondT) })
      )[TRANSFORMER_OUTPUT]!.data as Float32Array;
      const rel = relMax(got, want);
      console.log(
        `tiny transformer, modulation split vs fused (${tag}): max rel diff ${rel.toExponential(2)}`,
      );
      expect(rel).toBeLessThanOrEqual(1e-6);
    }
  });

  it('the transformer without modulation holds ≥30 % fewer weight bytes (tiny real-ratio config)', async () => {
    const fused = await buildTransformerGraph(shape, src, { precision: 'fp32' }, join(dir, 'bytes-fused'));
    const split = await buildTransformerGraph(
      shape,
      src,
      { precision: 'fp32', modulation: 'inputs' },
      join(dir, 'bytes-split'),
    );
    const mod = await buildModulationGraph(shape, src, { precision: 'fp32' }, join(dir, 'bytes-mod'));
    const ratio = split.saved.payloadBytes / fused.saved.payloadBytes;
    console.log(
      `tiny transformer weight bytes: fused ${fused.saved.payloadBytes}, without modulation ${split.saved.payloadBytes} (${(100 * (1 - ratio)).toFixed(1)} % smaller), modulation graph ${mod.saved.payloadBytes}`,
    );
    expect(ratio).toBeLessThanOrEqual(0.7);
    // Nothing is lost or held twice: the two graphs together hold the fused graph's weights.
    expect(split.saved.payloadBytes + mod.saved.payloadBytes).toBeGreaterThanOrEqual(
      fused.saved.payloadBytes,
    );
  });

  it('refuses a timestep the modulation table lacks, naming it', () => {
    const table: ModulationTable = {
      sigmas: [0.5],
      layers: 1,
      width: 6,
      img: new Float32Array(6),
      txt: new Float32Array(6),
      out: new Float32Array(2),
    };
    expect(() => modulationFeeds(table, [0.25])).toThrow(/σ = 0\.25/);
    expect(() => modulationFeeds(table, [0.5], true)).toThrow(/σ = 0\b/);
  });
});
