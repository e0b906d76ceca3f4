/**
 * `text_encoder/` of Qwen-Image(-Edit): `Qwen2_5_VLForConditionalGeneration` (Qwen2.5-VL-7B-Instruct
 * architecture). Supported config values and the parameters they imply. Names follow current transformers
 * (`model.visual.*`, `model.language_model.*`); older checkpoints spell them `visual.*` and `model.*`, which
 * `canonicalTextEncoderName` maps onto the current spelling. `lm_head` is not needed to encode prompts.
 */
import { ConfigReader } from './config-reader';
import type { ExpectedTensor } from './expected-tensor';
import { conv, linear, norm } from './expected-tensor';

export const TEXT_ENCODER_CLASS = 'Qwen2_5_VLForConditionalGeneration';

export type TextEncoderShape = Readonly<{
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  intermediateSize: number;
  vocabSize: number;
  mropeSection: readonly number[];
  vision: Readonly<{
    depth: number;
    hiddenSize: number;
    numHeads: number;
    intermediateSize: number;
    outHiddenSize: number;
    patchSize: number;
    temporalPatchSize: number;
    spatialMergeSize: number;
    inChannels: number;
  }>;
}>;

/** Checks `text_encoder/config.json` (flat or with `text_config`); throws naming file and field. */
export function readTextEncoderConfig(json: unknown, file = 'text_encoder/config.json'): TextEncoderShape {
  const top = ConfigReader.of(file, json);
  const archs = top.json.architectures;
  if (!Array.isArray(archs) || !archs.includes(TEXT_ENCODER_CLASS)) {
    top.reject('architectures', `["${TEXT_ENCODER_CLASS}"]`);
  }
  top.oneOf('model_type', ['qwen2_5_vl'], 'qwen2_5_vl');
  const text =
    typeof top.json.text_config === 'object' && top.json.text_config !== null
      ? top.child('text_config')
      : top;
  text.oneOf('hidden_act', ['silu'], 'silu');
  const hiddenSize = text.int('hidden_size');
  const numHeads = text.int('num_attention_heads');
  const numKvHeads = text.int('num_key_value_heads', numHeads);
  if (hiddenSize % numHeads !== 0 || numHeads % numKvHeads !== 0) {
    text.reject(
      'num_key_value_heads',
      'a divisor of num_attention_heads, with hidden_size divisible by the heads',
    );
  }
  const rope = (text.json.rope_scaling ?? top.json.rope_scaling) as Record<string, unknown> | undefined;
  const ropeReader = new ConfigReader(`${text.file} rope_scaling`, rope ?? {});
  const section = ropeReader.ints('mrope_section');
  if (section.length !== 3 || section.reduce((a, b) => a + b, 0) !== hiddenSize / numHeads / 2) {
    ropeReader.reject('mrope_section', `three sizes summing to head_dim/2 = ${hiddenSize / numHeads / 2}`);
  }
  const v = top.child('vision_config');
  v.oneOf('hidden_act', ['silu'], 'silu');
  const vision = {
    depth: v.int('depth'),
    hiddenSize: v.int('hidden_size'),
    numHeads: v.int('num_heads'),
    intermediateSize: v.int('intermediate_size'),
    outHiddenSize: v.oneOf('out_hidden_size', [hiddenSize], hiddenSize),
    patchSize: v.int('patch_size', 14),
    temporalPatchSize: v.oneOf('temporal_patch_size', [2], 2),
    spatialMergeSize: v.oneOf('spatial_merge_size', [2], 2),
    inChannels: v.oneOf('in_channels', [3], (v.json.in_chans as number | undefined) ?? 3),
  };
  return {
    hiddenSize,
    numLayers: text.int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    intermediateSize: text.int('intermediate_size'),
    vocabSize: text.int('vocab_size'),
    mropeSection: section,
    vision,
  };
}

/** Every parameter needed to encode prompts (vision tower + language model body), upstream order. */
export function textEncoderTensors(s: TextEncoderShape): ExpectedTensor[] {
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
