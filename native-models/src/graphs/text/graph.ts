import { GraphBuilder, castIfNeeded, linear, rmsNorm } from '../../onnx';
import type { ComputeType, Precision, QuantBlockSize, SavedModel } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TextConfig } from '../../config/text-encoder';
import { rotateHalfRope } from './graph-ops';
import { causalKeyMask, groupedAttention, headProjection } from './attention';
import { embedWithImages } from './embed';
import { gatedMlp } from './mlp';
import { mropeTables } from './rotary';
import { detectPrefixes } from './parameters';

export type TextGraphOptions = Readonly<{
  precision?: Precision;
  /** MatMulNBits block size for int8/int4 (default 32). */
  blockSize?: QuantBlockSize;
  /** Compute type for int8/int4 graphs: float32 (default, runs on CPU) or bfloat16 (GPU; dense weights bf16 too). */
  compute?: ComputeType;
  /** MatMulNBits accuracy level (default: the precision plan's). */
  accuracyLevel?: 0 | 4;
}>;

/** Graph input and output names of the text graph (see {@link buildTextGraph}). */
export const TEXT_IO = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  imageEmbeds: 'image_embeds',
  lastHiddenState: 'last_hidden_state',
} as const;

/**
 * Builds the Qwen2.5-VL language-model body: token embeddings with the vision features written over the
 * `image_token_id` positions (in row-major order, like upstream's masked_scatter), `num_layers` decoder layers
 * (causal GQA attention with q/k/v biases, M-RoPE), final RMSNorm.
 *
 * Inputs: `input_ids [batch, sequence]` int64; `attention_mask [batch, sequence]` int64 (1 = token, 0 = pad);
 * `position_ids [3, batch, sequence]` int64 (host: `mropePositionIds`); `image_embeds [image_tokens, hidden]`
 * float32 (the vision graph's output; `[0, hidden]` when there is no image).
 * Output: `last_hidden_state [batch, sequence, hidden]` float32, post final norm (upstream `hidden_states[-1]`).
 *
 * Precision: fp32; bf16 (weights and compute, softmax and rotary angles in float32); int8/int4 weight-only
 * MatMulNBits for the attention and MLP linears with float32 compute.
 */
export async function buildTextGraph(
  config: TextConfig,
  weights: WeightSource,
  options: TextGraphOptions,
  outDir: string,
): Promise<SavedModel> {
  const b = new GraphBuilder({
    name: 'text',
    precision: options.precision ?? 'fp32',
    ...(options.blockSize ? { blockSize: options.blockSize } : {}),
    ...(options.compute ? { compute: options.compute } : {}),
    ...(options.accuracyLevel !== undefined ? { accuracyLevel: options.accuracyLevel } : {}),
  });
  const p = detectPrefixes(weights, 'language');
  const h = config.hiddenSize;
  const hd = config.headDim;
  const hq = config.numHeads;
  const hkv = config.numKvHeads;
  const eps = config.rmsNormEps;

  const ids = b.input(TEXT_IO.inputIds, 'int64', ['batch', 'sequence']);
  const mask = b.input(TEXT_IO.attentionMask, 'int64', ['batch', 'sequence']);
  const positions = b.input(TEXT_IO.positionIds, 'int64', [3, 'batch', 'sequence']);
  const image = b.input(TEXT_IO.imageEmbeds, 'float32', ['image_tokens', h]);

  let x = embedWithImages(b, weights, p, ids, image, config.imageTokenId);
  const [cos, sin] = mropeTables(b, positions, config);

  const allowed = causalKeyMask(b, ids, mask);

  for (let l = 0; l < config.numLayers; l++) {
    const lp = `${p}layers.${l}`;
    x = b.scope(`layers.${l}`, () => {
      const normed = rmsNorm(b, weights, x, `${lp}.input_layernorm.weight`, eps);
      const attn = b.scope('self_attn', () => {
        const proj = (name: string, heads: number) => headProjection(b, weights, normed, lp, name, heads, hd);
        const q = rotateHalfRope(b, proj('q_proj', hq), cos, sin, hd, 'rope_q');
        const k = rotateHalfRope(b, proj('k_proj', hkv), cos, sin, hd, 'rope_k');
        const v = proj('v_proj', hkv);
        // k, v [B, S, hkv, hd] → [B, hkv, 1, hd|S, S|hd].
        const one = b.constant([2], 'int64');
        const kT = b.op(
          'Unsqueeze',
          [b.op('Transpose', [k], { perm: [0, 2, 3, 1] }, { name: 'TransposeK' }), one],
          {},
          { name: 'UnsqueezeK' },
        );
        const v5 = b.op(
          'Unsqueeze',
          [b.op('Transpose', [v], { perm: [0, 2, 1, 3] }, { name: 'TransposeV' }), one],
          {},
          { name: 'UnsqueezeV' },
        );
        const merged = groupedAttention(b, q, kT, v5, allowed, config);
        return linear(b, weights, merged, `${lp}.self_attn.o_proj`, { quantize: true });
      });
      const x1 = b.op('Add', [x, attn], {}, { name: 'AddAttn' });
      const m = rmsNorm(b, weights, x1, `${lp}.post_attention_layernorm.weight`, eps);
      const mlp = gatedMlp(b, weights, m, lp);
      return b.op('Add', [x1, mlp], {}, { name: 'AddMlp' });
    });
  }
  const out = castIfNeeded(
    b,
    rmsNorm(b, weights, x, `${p}norm.weight`, eps),
    b.compute,
    'float32',
    'CastOut',
  );
  b.output(out, TEXT_IO.lastHiddenState, 'float32', ['batch', 'sequence', h]);
  return b.save(outDir, { metadata: { component: 'text' } });
}
