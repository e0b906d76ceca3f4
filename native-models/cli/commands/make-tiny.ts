import { mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EDIT_LIMITS } from '../../src/pipeline/edit-vocabulary';
import { parseOptions, rangeOption, requireOptions } from '../arguments';
import { checkOutputFolder } from '../output-target';

export const summary =
  'write a tiny random-weight Qwen-Image-Edit checkpoint (HF layout): --out <dir> [--seed N]';

export const usage = `make-tiny --out <dir> [--seed N]

Writes a tiny Qwen-Image-Edit checkpoint with the real layout and tokenizer and random weights (what the
demo model is converted from).

options:
  --out <dir>          a new or empty folder
  --seed N             the weights' seed, ${EDIT_LIMITS.seed.min} to ${EDIT_LIMITS.seed.max} (default 0)`;

export async function run(argv: string[]): Promise<number> {
  const values = parseOptions(argv, { out: { type: 'string' }, seed: { type: 'string' } });
  requireOptions(values, 'out');
  const seed = rangeOption('seed', values.seed, EDIT_LIMITS.seed, true) ?? 0;
  const out = resolve(values.out!);
  if ((await readdir(out).catch(() => [])).length > 0)
    throw new Error(`${out} is not empty; choose a new or empty folder`);
  await checkOutputFolder(out);
  const { writeTinyCheckpoint } = await import('../../src/tiny/generate');
  await mkdir(out, { recursive: true });
  await writeTinyCheckpoint(out, { seed });
  console.log(`tiny checkpoint (seed ${seed}) written to ${out}`);
  return 0;
}
