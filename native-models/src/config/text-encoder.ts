/**
 * `text_encoder/config.json` of Qwen-Image(-Edit): `Qwen2_5_VLForConditionalGeneration` (Qwen2.5-VL-7B-Instruct
 * architecture), normalised to what the language-model and vision graphs read. Both the flat layout (as first
 * published) and the nested `text_config` layout (current transformers) are accepted.
 */
import { ConfigReader } from './reader';

export const TEXT_ENCODER_CLASS = 'Qwen2_5_VLForConditionalGeneration';

/** The language model. */
export type TextConfig = Readonly<{
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Frequency counts for the temporal, height and width position components; they sum to headDim / 2. */
  mropeSection: readonly [number, number, number];
  vocabSize: number;
  imageTokenId: number;
  visionStartTokenId: number;
}>;

/** The vision tower (`vision_config`). */
export type VisionConfig = Readonly<{
  depth: number;
  hiddenSize: number;
  numHeads: number;
  headDim: number;
  intermediateSize: number;
  outHiddenSize: number;
  patchSize: number;
  temporalPatchSize: number;
  spatialMergeSize: number;
  windowSize: number;
  /** 0-based indices of the blocks that attend over the whole image; all others attend within windows. */
  fullattBlockIndexes: readonly number[];
  inChannels: number;
}>;

export type TextEncoderConfig = TextConfig & Readonly<{ vision: VisionConfig }>;

/** Checks `text_encoder/config.json`; throws naming the file and field on anything unsupported. */
export function readTextEncoderConfig(json: unknown, file = 'text_encoder/config.json'): TextEncoderConfig {
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
  const headDim = hiddenSize / numHeads;
  const rope = (text.json.rope_scaling ?? top.json.rope_scaling) as Record<string, unknown> | undefined;
  const ropeReader = new ConfigReader(`${text.file} rope_scaling`, rope ?? {});
  const section = ropeReader.ints('mrope_section');
  if (section.length !== 3 || section[0]! + section[1]! + section[2]! !== headDim / 2) {
    ropeReader.reject('mrope_section', `three sizes summing to head_dim/2 = ${headDim / 2}`);
  }
  return {
    hiddenSize,
    numLayers: text.int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: text.int('intermediate_size'),
    rmsNormEps: text.number('rms_norm_eps', 1e-6),
    ropeTheta: text.number('rope_theta', 1_000_000),
    mropeSection: [section[0]!, section[1]!, section[2]!],
    vocabSize: text.int('vocab_size'),
    imageTokenId: top.int('image_token_id', 151655, 0),
    visionStartTokenId: top.int('vision_start_token_id', 151652, 0),
    vision: readVisionConfig(top.child('vision_config'), hiddenSize),
  };
}

function readVisionConfig(v: ConfigReader, textHiddenSize: number): VisionConfig {
  v.oneOf('hidden_act', ['silu'], 'silu');
  const hiddenSize = v.int('hidden_size');
  const numHeads = v.int('num_heads');
  if (hiddenSize % numHeads !== 0) v.reject('num_heads', `a divisor of hidden_size ${hiddenSize}`);
  const headDim = hiddenSize / numHeads;
  // The 2-D rotary embedding splits each head into four quarter-rotations.
  if (headDim % 4 !== 0)
    v.reject('num_heads', 'a head_dim (hidden_size / num_heads) that is a multiple of 4');
  const patchSize = v.int('patch_size', 14);
  const spatialMergeSize = v.oneOf('spatial_merge_size', [2], 2);
  const windowSize = v.int('window_size', 112);
  if (windowSize % (spatialMergeSize * patchSize) !== 0) {
    v.reject('window_size', `a multiple of spatial_merge_size·patch_size = ${spatialMergeSize * patchSize}`);
  }
  return {
    depth: v.int('depth'),
    hiddenSize,
    numHeads,
    headDim,
    intermediateSize: v.int('intermediate_size'),
    outHiddenSize: v.oneOf('out_hidden_size', [textHiddenSize], textHiddenSize),
    patchSize,
    temporalPatchSize: v.oneOf('temporal_patch_size', [2], 2),
    spatialMergeSize,
    windowSize,
    fullattBlockIndexes: v.ints('fullatt_block_indexes', []),
    inChannels: v.oneOf('in_channels', [3], (v.json.in_chans as number | undefined) ?? 3),
  };
}

/** Values per patch row of `pixel_values`: channels · temporal_patch_size · patch_size². */
export function patchDim(config: VisionConfig): number {
  return config.inChannels * config.temporalPatchSize * config.patchSize * config.patchSize;
}
