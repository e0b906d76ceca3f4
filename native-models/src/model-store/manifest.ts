/**
 * `model.json`, the manifest of a converted model folder: which ONNX files make up each component, their
 * graph inputs and outputs, the sha256 and size of every file in the folder, the precision, the hashes
 * of the source checkpoint's configs, the scheduler config and the tokenizer files. It is written last,
 * so a folder without one is not a model.
 */
import type { ComputeType, Precision, QuantBlockSize, IoSpec } from '../onnx';
import { MODEL_FORMAT_VERSION } from '../version';
import type { CheckpointVariant } from '../config/variant';

export const MODEL_MANIFEST = 'model.json';
export const MODEL_FORMAT = 'qwen-edit-model';

/**
 * `modulation` (the transformer's AdaLN parameters per timestep) is absent from folders converted before it
 * existed; their transformer computes them itself. `generator` (the language model with its head, for the
 * prompt enhancer) is optional: a checkpoint without `lm_head` has none.
 */
export type ComponentName =
  'transformer' | 'modulation' | 'vae_encoder' | 'vae_decoder' | 'vision' | 'text' | 'generator';

export type ComponentEntry = Readonly<{
  /** The .onnx file, relative to the model folder. */
  model: string;
  /** Every file the component needs (the .onnx and its external data). */
  files: readonly string[];
  /** Which checkpoint folder its weights came from. */
  source: 'transformer' | 'vae' | 'text_encoder';
  inputs: readonly IoSpec[];
  outputs: readonly IoSpec[];
  /** The precision this component was built at (the VAE graphs always compute in float32). */
  precision: Precision;
}>;

export type FileEntry = Readonly<{ bytes: number; sha256: string }>;

/** A LoRA fused into the weights when the folder was converted (the recipe's `LoraRecipe`, fused 'conversion'). */
export type ManifestLora = Readonly<{ name: string; sha256: string; strength: number }>;

export type ModelManifest = Readonly<{
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  pipeline: string;
  /** Which release was converted; absent from folders converted before variants existed (read as 'edit'). */
  variant?: CheckpointVariant;
  precision: Precision;
  /** Activation type inside the transformer and language-model graphs (bfloat16 graphs need CUDA). */
  compute: ComputeType;
  /** MatMulNBits block size for int8/int4; null otherwise. */
  blockSize: QuantBlockSize | null;
  components: Readonly<Partial<Record<ComponentName, ComponentEntry>>>;
  /** Tokenizer and processor files copied from the checkpoint (folder → file names). */
  tokenizer: Readonly<{ dir: string; files: readonly string[] }>;
  processor: Readonly<{ dir: string; files: readonly string[] }>;
  /** `scheduler/scheduler_config.json` as the checkpoint has it. */
  scheduler: Readonly<Record<string, unknown>>;
  /** Config files of the checkpoint, verbatim (the pipeline reads sizes, token ids, latent statistics). */
  configs: Readonly<{ transformer: unknown; vae: unknown; text_encoder: unknown; model_index: unknown }>;
  /** sha256 of each source JSON file (configs, indexes), by path relative to the checkpoint. */
  sourceHashes: Readonly<Record<string, string>>;
  /** Latent→RGB preview factors; filled in by the pipeline (null until then). */
  preview: unknown;
  /** Every file of the model folder except model.json, by relative path. */
  files: Readonly<Record<string, FileEntry>>;
  /** LoRAs fused at conversion, in order (absent: none). */
  loras?: readonly ManifestLora[];
}>;

export { MODEL_FORMAT_VERSION };
