import { mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EDIT_LIMITS } from '../../src/pipeline/edit-vocabulary';
import { CHECKPOINT_VARIANTS } from '../../src/config/variant';
import type { CheckpointVariant } from '../../src/config/variant';
import { parseOptions, rangeOption, requireOptions } from '../arguments';
import { UsageError } from '../usage-error';
import { checkOutputFolder } from '../output-target';

export const summary =
  'write a tiny random-weight Qwen-Image-Edit checkpoint (HF layout): --out <dir> [--seed N] [--variant edit|edit-2509|edit-2511]';

export const usage = `make-tiny --out <dir> [--seed N] [--variant edit|edit-2509|edit-2511]

Writes a tiny Qwen-Image-Edit checkpoint with the real layout and tokenizer and random weights (what the
demo model is converted from).

options:
  --out <dir>          a new or empty folder
  --seed N             the weights' seed, ${EDIT_LIMITS.seed.min} to ${EDIT_LIMITS.seed.max} (default 0)
  --variant V          which release's config files: ${CHECKPOINT_VARIANTS.join(', ')} (default edit);
                       2509 and 2511 name QwenImageEditPlusPipeline, 2511 sets zero_cond_t`;

export async function run(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    variant: { type: 'string' },
  });
  requireOptions(values, 'out');
  const seed = rangeOption('seed', values.seed, EDIT_LIMITS.seed, true) ?? 0;
  const variant = (values.variant ?? 'edit') as CheckpointVariant;
  if (!CHECKPOINT_VARIANTS.includes(variant))
    throw new UsageError(
      `--variant must be one of ${CHECKPOINT_VARIANTS.join(', ')}, got '${values.variant}'`,
    );
  const out = resolve(values.out!);
  if ((await readdir(out).catch(() => [])).length > 0)
    throw new Error(`${out} is not empty; choose a new or empty folder`);
  await checkOutputFolder(out);
  const { writeTinyCheckpoint } = await import('../../src/tiny/generate');
  await mkdir(out, { recursive: true });
  await writeTinyCheckpoint(out, { seed, variant });
  console.log(`tiny ${variant} checkpoint (seed ${seed}) written to ${out}`);
  return 0;
}
