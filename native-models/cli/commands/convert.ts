import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ComputeType, Precision, QuantBlockSize } from '../../src/onnx';
import { convertCheckpoint } from '../../src/convert/convert';

export const summary =
  'build the ONNX model folder from a Hugging Face checkpoint: --from <hf-folder> --to <model-dir> --precision fp32|bf16|int8|int4 [--target cpu|cuda] [--block-size 32|64|128] [--compute float32|bfloat16] [--overwrite]';

const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'int8', 'int4'];
const BLOCK_SIZES: readonly number[] = [32, 64, 128];

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      precision: { type: 'string', default: 'fp32' },
      target: { type: 'string' },
      'block-size': { type: 'string' },
      compute: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
    },
  });
  if (!values.from || !values.to) {
    console.error(`usage: qwen-edit convert ${summary.slice(summary.indexOf('--from'))}`);
    return 2;
  }
  const precision = values.precision as Precision;
  if (!PRECISIONS.includes(precision))
    throw new Error(`--precision must be one of ${PRECISIONS.join(', ')}, got '${values.precision}'`);
  const target = values.target;
  if (target !== undefined && target !== 'cpu' && target !== 'cuda')
    throw new Error(`--target must be cpu or cuda, got '${target}'`);
  const blockSize = values['block-size'] === undefined ? undefined : Number(values['block-size']);
  if (blockSize !== undefined && !BLOCK_SIZES.includes(blockSize))
    throw new Error(`--block-size must be one of ${BLOCK_SIZES.join(', ')}, got '${values['block-size']}'`);
  const compute = values.compute as ComputeType | undefined;
  if (compute !== undefined && compute !== 'float32' && compute !== 'bfloat16') {
    throw new Error(`--compute must be float32 or bfloat16, got '${values.compute}'`);
  }
  if (compute === 'bfloat16' && precision === 'fp32')
    throw new Error('--compute bfloat16 needs --precision bf16, int8 or int4');
  const to = resolve(values.to);
  const started = performance.now();
  const manifest = await convertCheckpoint(resolve(values.from), to, {
    precision,
    ...(blockSize ? { blockSize: blockSize as QuantBlockSize } : {}),
    ...(target ? { target } : {}),
    overwrite: values.overwrite,
    progress: true,
    ...(compute ? { compute } : {}),
  });
  const bytes = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${to}: ${Object.keys(manifest.components).join(', ')} at ${precision}; ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`,
  );
  return 0;
}
