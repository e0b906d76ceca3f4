/**
 * The pipeline-level files of a Qwen-Image-Edit checkpoint: `model_index.json` (which classes make up the
 * pipeline) and `scheduler/scheduler_config.json` (the flow-matching schedule the host implements).
 */
import { ConfigError, ConfigReader } from './reader';
import { TEXT_ENCODER_CLASS } from './text-encoder';
import { TRANSFORMER_CLASS } from './transformer';
import { VAE_CLASS } from './vae';

/** The pipeline class the app runs (a converted folder's `model.json` names it). */
export const EDIT_PIPELINE = 'QwenImageEditPipeline';

/** The multi-image pipeline of Qwen-Image-Edit-2509 and -2511. */
export const EDIT_PLUS_PIPELINE = 'QwenImageEditPlusPipeline';

export const SUPPORTED_PIPELINES = [EDIT_PIPELINE, EDIT_PLUS_PIPELINE] as const;

/** The component folders and the library/class pair model_index.json must declare for each. */
export const PIPELINE_COMPONENTS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  transformer: ['diffusers', [TRANSFORMER_CLASS]],
  vae: ['diffusers', [VAE_CLASS]],
  text_encoder: ['transformers', [TEXT_ENCODER_CLASS]],
  tokenizer: ['transformers', ['Qwen2Tokenizer', 'Qwen2TokenizerFast']],
  processor: ['transformers', ['Qwen2VLProcessor', 'Qwen2_5_VLProcessor']],
  scheduler: ['diffusers', ['FlowMatchEulerDiscreteScheduler']],
};

/** Checks model_index.json names a supported pipeline made of the known component classes. */
export function readModelIndex(json: unknown, file = 'model_index.json'): { pipeline: string } {
  const c = ConfigReader.of(file, json);
  const pipeline = c.oneOf('_class_name', SUPPORTED_PIPELINES, EDIT_PIPELINE);
  for (const [name, [library, classes]] of Object.entries(PIPELINE_COMPONENTS)) {
    const entry = c.json[name];
    if (!Array.isArray(entry) || entry[0] !== library || !classes.includes(entry[1] as string)) {
      throw new ConfigError(
        file,
        `component '${name}' is ${JSON.stringify(entry)}, expected ["${library}", one of ${classes.join(' / ')}] (unknown architecture)`,
      );
    }
  }
  return { pipeline };
}

/** The keys of `scheduler/scheduler_config.json` the host-side flow-matching scheduler uses (spec §8). */
export type SchedulerConfig = Readonly<{
  num_train_timesteps: number;
  shift: number;
  use_dynamic_shifting: boolean;
  base_shift: number;
  max_shift: number;
  base_image_seq_len: number;
  max_image_seq_len: number;
  time_shift_type: 'exponential' | 'linear';
  shift_terminal: number | null;
}>;

/**
 * Checks `scheduler/scheduler_config.json`, refusing sampler variants the host does not implement; absent
 * keys take the pipeline's fallbacks (spec §8.1: dynamic shifting on, as the released config has it).
 */
export function readSchedulerConfig(
  json: unknown,
  file = 'scheduler/scheduler_config.json',
): SchedulerConfig {
  const c = ConfigReader.of(file, json);
  c.expect('_class_name', 'FlowMatchEulerDiscreteScheduler');
  for (const flag of [
    'use_karras_sigmas',
    'use_exponential_sigmas',
    'use_beta_sigmas',
    'invert_sigmas',
    'stochastic_sampling',
  ]) {
    c.expect(flag, false);
  }
  const terminal = c.json.shift_terminal ?? null;
  if (terminal !== null && (typeof terminal !== 'number' || !(terminal >= 0 && terminal < 1))) {
    c.reject('shift_terminal', 'null or a number in [0, 1)');
  }
  return {
    num_train_timesteps: c.int('num_train_timesteps', 1000),
    shift: c.number('shift', 1),
    use_dynamic_shifting: c.oneOf('use_dynamic_shifting', [true, false], true),
    base_shift: c.number('base_shift', 0.5),
    max_shift: c.number('max_shift', 1.15),
    base_image_seq_len: c.int('base_image_seq_len', 256),
    max_image_seq_len: c.int('max_image_seq_len', 4096),
    time_shift_type: c.oneOf('time_shift_type', ['exponential', 'linear'] as const, 'exponential'),
    shift_terminal: terminal as number | null,
  };
}
