import type { WeightSource } from '../../weights';
import type { VisionConfig } from '../../config/text-encoder';
import type { TextConfig } from '../../config/text-encoder';

/**
 * Checkpoint name prefixes of a Qwen2.5-VL text encoder. Current transformers saves `model.visual.*` and
 * `model.language_model.*`; older checkpoints (Qwen2.5-VL-7B-Instruct as first published) `visual.*` and `model.*`.
 */
export type Qwen25VLPrefixes = Readonly<{ visual: string; language: string }>;

export const CURRENT_PREFIXES: Qwen25VLPrefixes = {
  visual: 'model.visual.',
  language: 'model.language_model.',
};
export const LEGACY_PREFIXES: Qwen25VLPrefixes = { visual: 'visual.', language: 'model.' };

/** Finds which spelling a checkpoint uses; throws naming both candidates when neither is present. */
export function detectPrefixes(src: WeightSource, part: 'visual' | 'language'): string {
  const probe = part === 'visual' ? 'patch_embed.proj.weight' : 'embed_tokens.weight';
  for (const p of [CURRENT_PREFIXES, LEGACY_PREFIXES]) if (src.has(`${p[part]}${probe}`)) return p[part];
  throw new Error(
    `text encoder checkpoint has neither '${CURRENT_PREFIXES[part]}${probe}' nor '${LEGACY_PREFIXES[part]}${probe}'`,
  );
}

/** Every vision-tower tensor with its shape (names relative to the visual prefix). */
export function visionParameterShapes(v: VisionConfig): Array<[string, number[]]> {
  const h = v.hiddenSize;
  const out: Array<[string, number[]]> = [
    ['patch_embed.proj.weight', [h, v.inChannels, v.temporalPatchSize, v.patchSize, v.patchSize]],
  ];
  for (let i = 0; i < v.depth; i++) {
    const p = `blocks.${i}.`;
    out.push(
      [`${p}norm1.weight`, [h]],
      [`${p}norm2.weight`, [h]],
      [`${p}attn.qkv.weight`, [3 * h, h]],
      [`${p}attn.qkv.bias`, [3 * h]],
      [`${p}attn.proj.weight`, [h, h]],
      [`${p}attn.proj.bias`, [h]],
      [`${p}mlp.gate_proj.weight`, [v.intermediateSize, h]],
      [`${p}mlp.gate_proj.bias`, [v.intermediateSize]],
      [`${p}mlp.up_proj.weight`, [v.intermediateSize, h]],
      [`${p}mlp.up_proj.bias`, [v.intermediateSize]],
      [`${p}mlp.down_proj.weight`, [h, v.intermediateSize]],
      [`${p}mlp.down_proj.bias`, [h]],
    );
  }
  const m = h * v.spatialMergeSize ** 2;
  out.push(
    ['merger.ln_q.weight', [h]],
    ['merger.mlp.0.weight', [m, m]],
    ['merger.mlp.0.bias', [m]],
    ['merger.mlp.2.weight', [v.outHiddenSize, m]],
    ['merger.mlp.2.bias', [v.outHiddenSize]],
  );
  return out;
}

/** Every language-model tensor with its shape (names relative to the language prefix; no lm_head). */
export function languageParameterShapes(t: TextConfig): Array<[string, number[]]> {
  const h = t.hiddenSize;
  const q = t.numHeads * t.headDim;
  const kv = t.numKvHeads * t.headDim;
  const out: Array<[string, number[]]> = [['embed_tokens.weight', [t.vocabSize, h]]];
  for (let i = 0; i < t.numLayers; i++) {
    const p = `layers.${i}.`;
    out.push(
      [`${p}self_attn.q_proj.weight`, [q, h]],
      [`${p}self_attn.q_proj.bias`, [q]],
      [`${p}self_attn.k_proj.weight`, [kv, h]],
      [`${p}self_attn.k_proj.bias`, [kv]],
      [`${p}self_attn.v_proj.weight`, [kv, h]],
      [`${p}self_attn.v_proj.bias`, [kv]],
      [`${p}self_attn.o_proj.weight`, [h, q]],
      [`${p}mlp.gate_proj.weight`, [t.intermediateSize, h]],
      [`${p}mlp.up_proj.weight`, [t.intermediateSize, h]],
      [`${p}mlp.down_proj.weight`, [h, t.intermediateSize]],
      [`${p}input_layernorm.weight`, [h]],
      [`${p}post_attention_layernorm.weight`, [h]],
    );
  }
  out.push(['norm.weight', [h]]);
  return out;
}

/** The whole text-encoder checkpoint (vision, language model, lm_head) with full names. */
export function qwen25VLParameterShapes(
  text: TextConfig,
  vision: VisionConfig,
  prefixes: Qwen25VLPrefixes = CURRENT_PREFIXES,
): Array<[string, number[]]> {
  return [
    ...visionParameterShapes(vision).map(([n, s]): [string, number[]] => [prefixes.visual + n, s]),
    ...languageParameterShapes(text).map(([n, s]): [string, number[]] => [prefixes.language + n, s]),
    ['lm_head.weight', [text.vocabSize, text.hiddenSize]],
  ];
}
