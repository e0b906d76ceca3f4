/**
 * `text_encoder/` of Qwen-Image(-Edit): `Qwen2_5_VLForConditionalGeneration` (Qwen2.5-VL-7B-Instruct
 * architecture). The parameters its config implies. Names follow current transformers
 * (`model.visual.*`, `model.language_model.*`); older checkpoints spell them `visual.*` and `model.*`, which
 * `canonicalTextEncoderName` maps onto the current spelling. `lm_head` is not needed to encode prompts.
 */
import type { TextEncoderConfig } from './text-encoder';
import type { ExpectedTensor } from './expected-tensor';
import { conv, linear, norm } from './expected-tensor';

/** Every parameter needed to encode prompts (vision tower + language model body), upstream order. */
export function textEncoderTensors(s: TextEncoderConfig): ExpectedTensor[] {
  const v = s.vision;
  const t: ExpectedTensor[] = [
    ...conv(
      'model.visual.patch_embed.proj',
      v.hiddenSize,
      v.inChannels,
      [v.temporalPatchSize, v.patchSize, v.patchSize],
      false,
    ),
  ];
  // The patch embedding sees both temporal slices of a patch: its fan-in is all of them.
  t[0] = { ...t[0]!, fanIn: v.inChannels * v.temporalPatchSize * v.patchSize * v.patchSize };
  for (let i = 0; i < v.depth; i++) {
    const b = `model.visual.blocks.${i}`;
    t.push(
      norm(`${b}.norm1.weight`, [v.hiddenSize]),
      norm(`${b}.norm2.weight`, [v.hiddenSize]),
      ...linear(`${b}.attn.qkv`, 3 * v.hiddenSize, v.hiddenSize),
      ...linear(`${b}.attn.proj`, v.hiddenSize, v.hiddenSize),
      ...linear(`${b}.mlp.gate_proj`, v.intermediateSize, v.hiddenSize),
      ...linear(`${b}.mlp.up_proj`, v.intermediateSize, v.hiddenSize),
      ...linear(`${b}.mlp.down_proj`, v.hiddenSize, v.intermediateSize),
    );
  }
  const merged = v.hiddenSize * v.spatialMergeSize * v.spatialMergeSize;
  t.push(
    norm('model.visual.merger.ln_q.weight', [v.hiddenSize]),
    ...linear('model.visual.merger.mlp.0', merged, merged),
    ...linear('model.visual.merger.mlp.2', v.outHiddenSize, merged),
  );
  const h = s.hiddenSize;
  const headDim = h / s.numHeads;
  t.push({
    name: 'model.language_model.embed_tokens.weight',
    shape: [s.vocabSize, h],
    kind: 'embedding',
    fanIn: 1,
  });
  for (let i = 0; i < s.numLayers; i++) {
    const l = `model.language_model.layers.${i}`;
    t.push(
      ...linear(`${l}.self_attn.q_proj`, s.numHeads * headDim, h),
      ...linear(`${l}.self_attn.k_proj`, s.numKvHeads * headDim, h),
      ...linear(`${l}.self_attn.v_proj`, s.numKvHeads * headDim, h),
      ...linear(`${l}.self_attn.o_proj`, h, s.numHeads * headDim, false),
      ...linear(`${l}.mlp.gate_proj`, s.intermediateSize, h, false),
      ...linear(`${l}.mlp.up_proj`, s.intermediateSize, h, false),
      ...linear(`${l}.mlp.down_proj`, h, s.intermediateSize, false),
      norm(`${l}.input_layernorm.weight`, [h]),
      norm(`${l}.post_attention_layernorm.weight`, [h]),
    );
  }
  t.push(norm('model.language_model.norm.weight', [h]));
  return t;
}

/**
 * Maps a text-encoder tensor name in either spelling to the current one: `visual.X` → `model.visual.X`,
 * `model.X` (language model, older layout) → `model.language_model.X`. Other names pass through.
 */
export function canonicalTextEncoderName(name: string): string {
  if (name.startsWith('visual.')) return `model.${name}`;
  if (
    name.startsWith('model.') &&
    !name.startsWith('model.visual.') &&
    !name.startsWith('model.language_model.')
  ) {
    return `model.language_model.${name.slice('model.'.length)}`;
  }
  return name;
}
