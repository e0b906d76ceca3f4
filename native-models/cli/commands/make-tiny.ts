import { mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTinyCheckpoint } from '../../src/tiny/generate';

export const summary =
  'write a tiny random-weight Qwen-Image-Edit checkpoint (HF layout): --out <dir> [--seed N]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, seed: { type: 'string', default: '0' } },
  });
  if (!values.out) {
    console.error('usage: qwen-edit make-tiny --out <dir> [--seed N]');
    return 2;
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`--seed must be an integer in [0, 2^32), got '${values.seed}'`);
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  if ((await readdir(out)).length > 0) throw new Error(`${out} is not empty; choose a new or empty folder`);
  await writeTinyCheckpoint(out, { seed });
  console.log(`tiny checkpoint (seed ${seed}) written to ${out}`);
  return 0;
}
