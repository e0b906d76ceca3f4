import { memoryWeightSource } from '../../weights';
import type { WeightSource } from '../../weights';
import type { TextConfig, TextEncoderConfig, VisionConfig } from '../../config/text-encoder';
import { readTextEncoderConfig } from '../../config/text-encoder';
import type { Qwen25VLPrefixes } from '../text/parameters';
import { CURRENT_PREFIXES } from '../text/parameters';
import { textEncoderTensors } from '../../config/text-encoder-tensors';
import { randomArray, seededRandom } from '../../testing/seeded';

/**
 * The tiny Qwen2.5-VL config of spec/checkpoint-names.md (vision depth 2 hidden 32, LM 2 layers hidden 64 with
 * GQA 4/2 heads, vocab 256) as `text_encoder/config.json` would hold it, for graph tests. Token ids for the
 * image placeholder live inside the small vocabulary.
 */
export const TINY_TEXT_ENCODER_CONFIG_JSON = {
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  model_type: 'qwen2_5_vl',
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  hidden_act: 'silu',
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  rope_scaling: { type: 'mrope', mrope_section: [2, 3, 3] },
  vocab_size: 256,
  image_token_id: 250,
  vision_start_token_id: 248,
  vision_config: {
    depth: 2,
    hidden_size: 32,
    intermediate_size: 64,
    num_heads: 2,
    out_hidden_size: 64,
    patch_size: 14,
    temporal_patch_size: 2,
    spatial_merge_size: 2,
    window_size: 112,
    fullatt_block_indexes: [1],
    in_chans: 3,
    hidden_act: 'silu',
  },
} as const;

export const TINY_TEXT_CONFIG: TextEncoderConfig = readTextEncoderConfig(TINY_TEXT_ENCODER_CONFIG_JSON);
export const TINY_VISION_CONFIG: VisionConfig = TINY_TEXT_CONFIG.vision;

export type RandomWeights = {
  source: WeightSource;
  tensors: Map<string, { shape: readonly number[]; data: Float32Array }>;
};

/**
 * Seeded random text-encoder weights (Linear ~ N(0, 1/K), norms ≈ 1, small biases, embeddings ~ N(0, 1)) so
 * activations stay O(1).
 */
export function randomQwen25VLWeights(
  text: TextConfig,
  vision: VisionConfig,
  seed: number,
  prefixes: Qwen25VLPrefixes = CURRENT_PREFIXES,
): RandomWeights {
  const rng = seededRandom(seed);
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const t of textEncoderTensors({ ...text, vision })) {
    const name = t.name
      .replace(/^model\.visual\./, prefixes.visual)
      .replace(/^model\.language_model\./, prefixes.language);
    const shape = t.shape;
    const n = shape.reduce((a, d) => a * d, 1);
    let data: Float32Array;
    if (/norm|ln_q/.test(name)) data = randomArray(n, rng, 0.1, 1);
    else if (name.endsWith('.bias')) data = randomArray(n, rng, 0.1);
    else if (name.endsWith('embed_tokens.weight')) data = randomArray(n, rng, 1);
    else data = randomArray(n, rng, 1 / Math.sqrt(shape.slice(1).reduce((a, d) => a * d, 1)));
    tensors.set(name, { shape, data });
  }
  return { source: memoryWeightSource(Object.fromEntries(tensors)), tensors };
}

/**
 * {@link randomQwen25VLWeights} plus an untied `lm_head.weight` ~ N(0, 1/hidden) drawn from `headSeed`: the
 * generator's checkpoint. `source` reads the tensors with the head.
 */
export function randomGeneratorWeights(
  text: TextEncoderConfig,
  seed: number,
  headSeed: number,
): RandomWeights {
  const random = randomQwen25VLWeights(text, text.vision, seed);
  const h = text.hiddenSize;
  random.tensors.set('lm_head.weight', {
    shape: [text.vocabSize, h],
    data: randomArray(text.vocabSize * h, seededRandom(headSeed), 1 / Math.sqrt(h)),
  });
  return { ...random, source: memoryWeightSource(Object.fromEntries(random.tensors)) };
}
