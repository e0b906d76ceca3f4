import { dirname, resolve } from 'node:path';
import { GraphBuilder, castIfNeeded, linear, rmsNorm } from '../../onnx';
import type { ComputeType, Precision, QuantBlockSize, SavedModel, SharedWeights } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TextConfig } from '../../config/text-encoder';
import { embedWithImages, gatedMlp, mropeTables, rotateHalfRope } from '../text';
import { causalKeyMask, groupedAttention, headProjection } from '../text/attention';
import { detectPrefixes } from '../text/parameters';

export type GeneratorGraphOptions = Readonly<{
  precision?: Precision;
  blockSize?: QuantBlockSize;
  compute?: ComputeType;
  /** `tie_word_embeddings`: the output projection is the embedding table (no `lm_head.weight`). */
  tied: boolean;
  /**
   * The text graph of the same checkpoint and settings, saved in `outDir`: the generator is then saved beside
   * it as `generator.onnx` and reads every weight the two share (all but `lm_head`) from the text graph's data
   * file, so the language model is one set of bytes on disk and, on the CPU, one mapping in memory.
   */
  shareWith?: SharedWeights;
}>;

/** The generator's file when it shares the text graph's folder and data file. */
export const SHARED_GENERATOR_FILE = 'generator.onnx';

/** Graph input and output names of the generator graph (see {@link buildGeneratorGraph}). */
export const GENERATOR_IO = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  imageEmbeds: 'image_embeds',
  logits: 'logits',
  pastKey: (layer: number) => `past.${layer}.key`,
  pastValue: (layer: number) => `past.${layer}.value`,
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
} as const;

/** The untied output projection's checkpoint name (top level, beside `model.`). */
export const LM_HEAD_WEIGHT = 'lm_head.weight';

/**
 * The Qwen2.5-VL language model for generation, one graph for prefill and decode: the text graph's body
 * (embeddings with image features, decoder layers, final norm) attending over a key/value cache, then
 * `lm_head` on the last position only (the host samples one token per run; full-vocabulary logits for
 * every prompt position would be 152 064 floats each).
 *
 * Inputs: `input_ids [batch, sequence]`; `attention_mask [batch, past + sequence]` (1 = token, 0 = pad);
 * `position_ids [3, batch, sequence]` (prefill: `mropePositionIds`; decode: continuing, see
 * `decodePositionIds`); `image_embeds [image_tokens, hidden]`; `past.{l}.key|value [batch, kv_heads, past,
 * head_dim]` float32 (`past = 0` for prefill).
 * Outputs: `logits [batch, vocab]` float32 (last position); `present.{l}.key|value [batch, kv_heads,
 * past + sequence, head_dim]` float32, to feed back as the next run's past.
 *
 * Attention is plain ONNX (Concat onto the cache, the text graph's 5-D grouped MatMuls, masked softmax)
 * rather than com.microsoft GroupQueryAttention: GQA's fused rotary has no M-RoPE, its CPU kernel has no
 * bf16 and it wants a fixed-size shared buffer; these ops run everywhere at every precision and match the
 * text graph op for op, and at decode the cost is the weights, not the attention.
 */
export async function buildGeneratorGraph(
  config: TextConfig,
  weights: WeightSource,
  options: GeneratorGraphOptions,
  outDir: string,
): Promise<SavedModel> {
  const b = new GraphBuilder({
    name: 'generator',
    precision: options.precision ?? 'fp32',
    ...(options.blockSize ? { blockSize: options.blockSize } : {}),
    ...(options.compute ? { compute: options.compute } : {}),
  });
  const p = detectPrefixes(weights, 'language');
  const h = config.hiddenSize;
  const hd = config.headDim;
  const hq = config.numHeads;
  const hkv = config.numKvHeads;
  const eps = config.rmsNormEps;
  const io = GENERATOR_IO;

  const ids = b.input(io.inputIds, 'int64', ['batch', 'sequence']);
  const mask = b.input(io.attentionMask, 'int64', ['batch', 'total']);
  const positions = b.input(io.positionIds, 'int64', [3, 'batch', 'sequence']);
  const image = b.input(io.imageEmbeds, 'float32', ['image_tokens', h]);

  let x = embedWithImages(b, weights, p, ids, image, config.imageTokenId);
  const [cos, sin] = mropeTables(b, positions, config);

  const allowed = causalKeyMask(b, ids, mask);

  for (let l = 0; l < config.numLayers; l++) {
    const lp = `${p}layers.${l}`;
    const pastK = b.input(io.pastKey(l), 'float32', ['batch', hkv, 'past', hd]);
    const pastV = b.input(io.pastValue(l), 'float32', ['batch', hkv, 'past', hd]);
    x = b.scope(`layers.${l}`, () => {
      const normed = rmsNorm(b, weights, x, `${lp}.input_layernorm.weight`, eps);
      const attn = b.scope('self_attn', () => {
        const proj = (name: string, heads: number) => headProjection(b, weights, normed, lp, name, heads, hd);
        const q = rotateHalfRope(b, proj('q_proj', hq), cos, sin, hd, 'rope_q');
        const k = rotateHalfRope(b, proj('k_proj', hkv), cos, sin, hd, 'rope_k');
        const v = proj('v_proj', hkv);
        // The cache holds rotated keys [B, hkv, T, hd] in float32 whatever the compute type.
        const append = (cache: string, fresh: string, name: string) =>
          b.op(
            'Concat',
            [
              cache,
              castIfNeeded(
                b,
                b.op('Transpose', [fresh], { perm: [0, 2, 1, 3] }, { name: `Transpose${name}` }),
                b.compute,
                'float32',
                `Cast${name}`,
              ),
            ],
            { axis: 2 },
            { name: `Append${name}` },
          );
        const presentK = append(pastK, k, 'K');
        const presentV = append(pastV, v, 'V');
        b.output(presentK, io.presentKey(l), 'float32', ['batch', hkv, 'total', hd]);
        b.output(presentV, io.presentValue(l), 'float32', ['batch', hkv, 'total', hd]);
        const keys = castIfNeeded(b, presentK, 'float32', b.compute, 'CastCacheK');
        const values = castIfNeeded(b, presentV, 'float32', b.compute, 'CastCacheV');
        // [B, hkv, T, hd] → kT [B, hkv, 1, hd, T], v [B, hkv, 1, T, hd].
        const two = b.constant([2], 'int64');
        const kT = b.op(
          'Unsqueeze',
          [b.op('Transpose', [keys], { perm: [0, 1, 3, 2] }, { name: 'TransposeKT' }), two],
          {},
          { name: 'UnsqueezeK' },
        );
        const v5 = b.op('Unsqueeze', [values, two], {}, { name: 'UnsqueezeV' });
        const merged = groupedAttention(b, q, kT, v5, allowed, config);
        return linear(b, weights, merged, `${lp}.self_attn.o_proj`, { quantize: true });
      });
      const x1 = b.op('Add', [x, attn], {}, { name: 'AddAttn' });
      const m = rmsNorm(b, weights, x1, `${lp}.post_attention_layernorm.weight`, eps);
      return b.op('Add', [x1, gatedMlp(b, weights, m, lp)], {}, { name: 'AddMlp' });
    });
  }
  const logits = b.scope('lm_head', () => {
    // Only the last position is projected: [B, S, h] → [B, h].
    const last = b.op('Gather', [x, b.constant(-1, 'int64')], { axis: 1 }, { name: 'LastPosition' });
    const normed = rmsNorm(b, weights, last, `${p}norm.weight`, eps);
    const head = options.tied ? `${p}embed_tokens` : LM_HEAD_WEIGHT.replace(/\.weight$/, '');
    return castIfNeeded(
      b,
      linear(b, weights, normed, head, { quantize: true }),
      b.compute,
      'float32',
      'CastLogits',
    );
  });
  b.output(logits, io.logits, 'float32', ['batch', config.vocabSize]);
  const share = options.shareWith;
  if (share && resolve(dirname(share.dataPath)) !== resolve(outDir))
    throw new Error(`buildGeneratorGraph: shareWith's data file ${share.dataPath} is not in ${outDir}`);
  return b.save(outDir, {
    metadata: { component: 'generator' },
    ...(share ? { modelFile: SHARED_GENERATOR_FILE, reuse: share.placements } : {}),
  });
}
