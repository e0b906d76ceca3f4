/**
 * The tiny checkpoint's JSON files. Keys and meanings are those of the released `Qwen/Qwen-Image-Edit`
 * files (so the upstream diffusers/transformers classes could load them); only sizes are tiny. Sizes
 * follow the tiny configs of `shared/spec/checkpoint-names.md`, except that the text encoder keeps the
 * real (padded) vocabulary so the real tokenizer's ids are all valid, and the transformer's
 * joint_attention_dim equals the text encoder's width (64, not the listing's 48) so the components chain.
 */
import { EDIT_PIPELINE, EDIT_PLUS_PIPELINE } from '../config/pipeline';
import type { CheckpointVariant } from '../config/variant';
import { LATENTS_MEAN, LATENTS_STD } from '../config/vae';

/** Knobs for making differently sized tiny models (the benchmark compares two widths). */
export type TinySizes = Readonly<{ transformerLayers: number; transformerHeads: number }>;

export const DEFAULT_TINY_SIZES: TinySizes = { transformerLayers: 2, transformerHeads: 2 };

/** The tiny language model's width (checkpoint-names.md's tiny LM). */
export const TEXT_HIDDEN_SIZE = 64;

/** Qwen2.5-VL-7B's embedding rows (151,643 BPE tokens + specials, padded). */
export const REAL_VOCAB_SIZE = 152064;

/** What the releases' files say: 2509 and 2511 name the Plus pipeline (saved by diffusers 0.36 dev builds). */
const DIFFUSERS_VERSION: Readonly<Record<CheckpointVariant, string>> = {
  edit: '0.35.0.dev0',
  'edit-2509': '0.36.0.dev0',
  'edit-2511': '0.36.0.dev0',
};

export const modelIndex = (variant: CheckpointVariant = 'edit') => ({
  _class_name: variant === 'edit' ? EDIT_PIPELINE : EDIT_PLUS_PIPELINE,
  _diffusers_version: DIFFUSERS_VERSION[variant],
  processor: ['transformers', 'Qwen2VLProcessor'],
  scheduler: ['diffusers', 'FlowMatchEulerDiscreteScheduler'],
  text_encoder: ['transformers', 'Qwen2_5_VLForConditionalGeneration'],
  tokenizer: ['transformers', 'Qwen2Tokenizer'],
  transformer: ['diffusers', 'QwenImageTransformer2DModel'],
  vae: ['diffusers', 'AutoencoderKLQwenImage'],
});

/** The transformer config; 2511's adds `zero_cond_t: true` (diffusers PR #12839), the others lack the key. */
export const transformerConfig = (sizes: TinySizes, variant: CheckpointVariant = 'edit') => ({
  _class_name: 'QwenImageTransformer2DModel',
  _diffusers_version: DIFFUSERS_VERSION[variant],
  attention_head_dim: 32,
  axes_dims_rope: [8, 12, 12],
  guidance_embeds: false,
  in_channels: 64,
  // The text encoder's hidden size, as in the release (3584 = 3584): its output is the transformer's text input.
  joint_attention_dim: TEXT_HIDDEN_SIZE,
  num_attention_heads: sizes.transformerHeads,
  num_layers: sizes.transformerLayers,
  out_channels: 16,
  patch_size: 2,
  pooled_projection_dim: 768,
  ...(variant === 'edit-2511' ? { zero_cond_t: true } : {}),
});

export const vaeConfig = () => ({
  _class_name: 'AutoencoderKLQwenImage',
  _diffusers_version: '0.35.0.dev0',
  attn_scales: [],
  base_dim: 16,
  dim_mult: [1, 2, 4, 4],
  dropout: 0.0,
  latents_mean: LATENTS_MEAN,
  latents_std: LATENTS_STD,
  num_res_blocks: 2,
  temperal_downsample: [false, true, true],
  z_dim: 16,
});

const textFields = () => ({
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151645,
  hidden_act: 'silu',
  hidden_size: TEXT_HIDDEN_SIZE,
  initializer_range: 0.02,
  intermediate_size: 128,
  max_position_embeddings: 128000,
  max_window_layers: 2,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_scaling: { mrope_section: [2, 3, 3], rope_type: 'default', type: 'default' },
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: REAL_VOCAB_SIZE,
});

/** Flat fields as Qwen2.5-VL-7B-Instruct published them, plus the `text_config` current transformers writes. */
export const textEncoderConfig = () => ({
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  ...textFields(),
  image_token_id: 151655,
  model_type: 'qwen2_5_vl',
  text_config: { ...textFields(), model_type: 'qwen2_5_vl_text' },
  transformers_version: '4.53.1',
  video_token_id: 151656,
  vision_config: {
    depth: 2,
    fullatt_block_indexes: [1],
    hidden_act: 'silu',
    hidden_size: 32,
    in_channels: 3,
    in_chans: 3,
    intermediate_size: 64,
    model_type: 'qwen2_5_vl',
    num_heads: 2,
    out_hidden_size: 64,
    patch_size: 14,
    spatial_merge_size: 2,
    spatial_patch_size: 14,
    temporal_patch_size: 2,
    tokens_per_second: 2,
    torch_dtype: 'bfloat16',
    window_size: 112,
  },
  vision_end_token_id: 151653,
  vision_start_token_id: 151652,
  vision_token_id: 151654,
});

export const generationConfig = () => ({
  bos_token_id: 151643,
  do_sample: true,
  eos_token_id: [151645, 151643],
  pad_token_id: 151643,
  repetition_penalty: 1.05,
  temperature: 1e-6,
  transformers_version: '4.53.1',
});

/** The released scheduler config (spec §8.1). */
export const schedulerConfig = () => ({
  _class_name: 'FlowMatchEulerDiscreteScheduler',
  _diffusers_version: '0.34.0.dev0',
  base_image_seq_len: 256,
  base_shift: 0.5,
  invert_sigmas: false,
  max_image_seq_len: 8192,
  max_shift: 0.9,
  num_train_timesteps: 1000,
  shift: 1.0,
  shift_terminal: 0.02,
  stochastic_sampling: false,
  time_shift_type: 'exponential',
  use_beta_sigmas: false,
  use_dynamic_shifting: true,
  use_exponential_sigmas: false,
  use_karras_sigmas: false,
});

/** Qwen2-VL image processor values of Qwen2.5-VL-7B-Instruct (spec §3.3). */
export const preprocessorConfig = () => ({
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_processor_type: 'Qwen2VLImageProcessor',
  image_std: [0.26862954, 0.26130258, 0.27577711],
  max_pixels: 12845056,
  merge_size: 2,
  min_pixels: 3136,
  patch_size: 14,
  processor_class: 'Qwen2VLProcessor',
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { longest_edge: 12845056, shortest_edge: 3136 },
  temporal_patch_size: 2,
});
