/**
 * The demo model: the tiny random-weight model, converted, for the CLI without `--model`, the tests and
 * the benchmark. It is the store's `ensureTinyModel`, plus a check that its components chain: the
 * transformer must take the text encoder's hidden states (`joint_attention_dim` = text `hidden_size`, as
 * 3584 = 3584 in the release).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTinyModel } from './tiny-model';
import type { CheckpointVariant } from '../config/variant';

/**
 * Path of the converted demo model for `seed` (built into the cache on first use); `variant` picks which
 * release's configs it has ('edit-2511': the Plus pipeline with zero_cond_t).
 */
export async function ensureDemoModel(seed = 0, variant: CheckpointVariant = 'edit'): Promise<string> {
  const dir = await ensureTinyModel(seed, variant);
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    configs: { transformer: { joint_attention_dim?: number }; text_encoder: { hidden_size?: number } };
  };
  const joint = manifest.configs.transformer.joint_attention_dim;
  const text = manifest.configs.text_encoder.hidden_size;
  if (joint !== text) {
    throw new Error(
      `the tiny model does not chain: transformer joint_attention_dim ${joint} != text hidden_size ${text}`,
    );
  }
  return dir;
}
