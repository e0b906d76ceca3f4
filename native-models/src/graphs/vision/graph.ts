import { GraphBuilder, MS_DOMAIN, attr, castIfNeeded, encodeFloats, linear, rmsNorm, silu } from '../../onnx';
import type { ComputeType, Precision, QuantBlockSize, SavedModel } from '../../onnx';
import type { WeightSource } from '../../weights';
import { rotateHalfRope, sameSegment } from '../text/graph-ops';
import { detectPrefixes } from '../text/parameters';
import type { VisionConfig } from '../../config/text-encoder';
import { patchDim } from '../../config/text-encoder';

/** Bias of keys outside the query's window: exp underflows to exactly 0, in float32 and in bf16 alike. */
const MASKED_BIAS = -1e30;

export type VisionGraphOptions = Readonly<{
  precision?: Precision;
  /** MatMulNBits block size in int builds (default 32). */
  blockSize?: QuantBlockSize;
  /** Compute type in int builds: float32 (default, CPU) or bfloat16 (GPU). */
  compute?: ComputeType;
  /** MatMulNBits accuracy level in int builds (default: the precision plan's). */
  accuracyLevel?: 0 | 4;
}>;

/**
 * The ViT's own precision for a requested one: int4 builds keep the vision tower at 8 bits (its 0.67 B
 * parameters are 1.3 GB in bf16; 4-bit round-to-nearest costs image features more than it saves).
 */
export function visionPrecision(requested: Precision): Precision {
  return requested === 'int4' ? 'int8' : requested;
}

/** Graph input and output names of the vision graph (see {@link buildVisionGraph}). */
export const VISION_IO = {
  pixelValues: 'pixel_values',
  windowIndex: 'window_index',
  rotaryCos: 'rotary_cos',
  rotarySin: 'rotary_sin',
  windowSegmentIds: 'window_segment_ids',
  frameSegmentIds: 'frame_segment_ids',
  imageEmbeds: 'image_embeds',
} as const;

/** Patch-embed Conv3d weight `[hidden, C, T, P, P]` as the `[C·T·P·P, hidden]` matrix of an equivalent MatMul. */
function patchEmbedWeight(
  b: GraphBuilder,
  src: WeightSource,
  name: string,
  hidden: number,
  k: number,
): string {
  return b.initializer(`${name}.flat.T`, {
    dtype: b.plan.dense,
    dims: [k, hidden],
    load: async () => {
      const w = await src.readF32(name);
      const t = new Float32Array(k * hidden);
      for (let o = 0; o < hidden; o++) for (let i = 0; i < k; i++) t[i * hidden + o] = w[o * k + i]!;
      return encodeFloats(t, b.plan.dense);
    },
  });
}

/**
 * Builds the Qwen2.5-VL vision tower (patch embed, `depth` blocks with window / full attention, patch merger).
 *
 * Inputs (host side: `visionLayout()` in ./layout):
 * - `pixel_values [patches, C·T·P·P]` float32, rows in the processor's patch order;
 * - `window_index [patches/4]` int64, merged-token permutation into window order;
 * - `rotary_cos`, `rotary_sin [patches, head_dim]` float32, processor order;
 * - `window_segment_ids`, `frame_segment_ids [patches]` int64, in window order: blocks listed in
 *   `fullatt_block_indexes` attend within a frame, all others within a window.
 *
 * Output: `image_embeds [patches/4, out_hidden_size]` float32, merged tokens in raster order (processor order).
 */
export async function buildVisionGraph(
  config: VisionConfig,
  weights: WeightSource,
  options: VisionGraphOptions,
  outDir: string,
): Promise<SavedModel> {
  // int builds quantise the blocks' and the merger's linears (MatMulNBits, 8 bits); the patch embedding stays dense.
  const b = new GraphBuilder({
    name: 'vision',
    precision: visionPrecision(options.precision ?? 'fp32'),
    ...(options.blockSize ? { blockSize: options.blockSize } : {}),
    ...(options.compute ? { compute: options.compute } : {}),
    ...(options.accuracyLevel !== undefined ? { accuracyLevel: options.accuracyLevel } : {}),
  });
  const p = detectPrefixes(weights, 'visual');
  const h = config.hiddenSize;
  const hd = config.headDim;
  const heads = config.numHeads;
  const unit = config.spatialMergeSize ** 2;
  const pd = patchDim(config);
  const pixels = b.input(VISION_IO.pixelValues, 'float32', ['patches', pd]);
  const windowIndex = b.input(VISION_IO.windowIndex, 'int64', ['merged_tokens']);
  const cosIn = b.input(VISION_IO.rotaryCos, 'float32', ['patches', hd]);
  const sinIn = b.input(VISION_IO.rotarySin, 'float32', ['patches', hd]);
  const windowIds = b.input(VISION_IO.windowSegmentIds, 'int64', ['patches']);
  const frameIds = b.input(VISION_IO.frameSegmentIds, 'int64', ['patches']);

  const x0 = b.scope('patch_embed', () =>
    b.op('MatMul', [
      castIfNeeded(b, pixels, 'float32', b.compute),
      patchEmbedWeight(b, weights, `${p}patch_embed.proj.weight`, h, pd),
    ]),
  );
  // Reorder merge groups (4 consecutive patch rows) into window order, and the rotary rows with them.
  const toWindows = (x: string, width: number, name: string) =>
    b.scope(name, () => {
      const groups = b.op('Reshape', [x, b.constant([-1, unit * width], 'int64')]);
      return b.op(
        'Reshape',
        [b.op('Gather', [groups, windowIndex], { axis: 0 }), b.constant([-1, width], 'int64')],
        {},
        { name: 'Flatten' },
      );
    });
  let x = toWindows(x0, h, 'window_order');
  // Rotary tables [patches, head_dim] broadcast over [1, heads, patches, head_dim]; float32 as upstream upcasts q, k.
  const cos = toWindows(cosIn, hd, 'rotary_cos');
  const sin = toWindows(sinIn, hd, 'rotary_sin');
  // Block-diagonal attention as an additive bias [1, 1, N, N] (0 inside a window or frame, MASKED_BIAS
  // outside) for one fused com.microsoft MultiHeadAttention per block: ORT then holds one [heads, N, N]
  // probability tensor on the CPU, where the explicit MatMul/Where/Softmax chain held several, and CUDA
  // runs its fused kernel.
  const segmentBias = (ids: string, name: string) =>
    b.scope(name, () => {
      const allowed = sameSegment(b, ids, 'same');
      const bias = b.op('Where', [allowed, b.constant(0, 'float32'), b.constant(MASKED_BIAS, 'float32')]);
      return castIfNeeded(b, b.op('Unsqueeze', [bias, b.constant([0, 1], 'int64')]), 'float32', b.compute);
    });
  const windowBias = segmentBias(windowIds, 'window_mask');
  const frameBias = segmentBias(frameIds, 'frame_mask');

  for (let i = 0; i < config.depth; i++) {
    const bp = `${p}blocks.${i}`;
    const bias = config.fullattBlockIndexes.includes(i) ? frameBias : windowBias;
    x = b.scope(`blocks.${i}`, () => {
      const normed = rmsNorm(b, weights, x, `${bp}.norm1.weight`, 1e-6);
      const attn = b.scope('attn', () => {
        const qkv = linear(b, weights, normed, `${bp}.attn.qkv`, { quantize: true });
        // [N, 3h] → [N, 3, heads, hd] → [3, heads, N, hd]
        const split = b.op('Transpose', [b.op('Reshape', [qkv, b.constant([0, 3, heads, hd], 'int64')])], {
          perm: [1, 2, 0, 3],
        });
        const [q, k, v] = b.node(
          'Split',
          [split, b.constant([1, 1, 1], 'int64')],
          { axis: 0 },
          { outputs: 3 },
        ) as [string, string, string];
        const rope = (t: string, name: string) => {
          const r = rotateHalfRope(
            b,
            castIfNeeded(b, t, b.compute, 'float32', `Cast${name}`),
            cos,
            sin,
            hd,
            `rope_${name}`,
          );
          return castIfNeeded(b, r, 'float32', b.compute, `CastBack${name}`);
        };
        const qr = rope(q, 'q');
        const kr = rope(k, 'k');
        // [1, heads, N, hd] → [1, N, heads·hd], the token-major layout MultiHeadAttention takes.
        const tokens = (t: string, name: string) =>
          b.op(
            'Reshape',
            [
              b.op('Transpose', [t], { perm: [0, 2, 1, 3] }, { name: `Transpose${name}` }),
              b.constant([1, -1, h], 'int64'),
            ],
            {},
            { name: `Reshape${name}` },
          );
        const o = b.op(
          'MultiHeadAttention',
          [tokens(qr, 'Q'), tokens(kr, 'K'), tokens(v, 'V'), '', '', bias],
          { num_heads: heads, scale: attr.float(1 / Math.sqrt(hd)) },
          { domain: MS_DOMAIN, name: 'MultiHeadAttention' },
        );
        const merged = b.op('Reshape', [o, b.constant([-1, h], 'int64')], {}, { name: 'ReshapeO' });
        return linear(b, weights, merged, `${bp}.attn.proj`, { quantize: true });
      });
      const x1 = b.op('Add', [x, attn], {}, { name: 'AddAttn' });
      const m = rmsNorm(b, weights, x1, `${bp}.norm2.weight`, 1e-6);
      const mlp = b.scope('mlp', () => {
        const gate = silu(b, linear(b, weights, m, `${bp}.mlp.gate_proj`, { quantize: true }));
        const up = linear(b, weights, m, `${bp}.mlp.up_proj`, { quantize: true });
        return linear(b, weights, b.op('Mul', [gate, up]), `${bp}.mlp.down_proj`, { quantize: true });
      });
      return b.op('Add', [x1, mlp], {}, { name: 'AddMlp' });
    });
  }

  const out = b.scope('merger', () => {
    const normed = rmsNorm(b, weights, x, `${p}merger.ln_q.weight`, 1e-6);
    const grouped = b.op('Reshape', [normed, b.constant([-1, unit * h], 'int64')]);
    const hidden = b.op('Gelu', [linear(b, weights, grouped, `${p}merger.mlp.0`, { quantize: true })]);
    const y = castIfNeeded(
      b,
      linear(b, weights, hidden, `${p}merger.mlp.2`, { quantize: true }),
      b.compute,
      'float32',
    );
    // Undo the window permutation: out[window_index[i]] = y[i] (window_index is a permutation, so y is fully overwritten).
    return b.op(
      'ScatterND',
      [y, b.op('Unsqueeze', [windowIndex, b.constant([1], 'int64')]), y],
      {},
      { name: 'RasterOrder' },
    );
  });
  b.output(out, VISION_IO.imageEmbeds, 'float32', ['merged_tokens', config.outHiddenSize]);
  return b.save(outDir, { metadata: { component: 'vision' } });
}
