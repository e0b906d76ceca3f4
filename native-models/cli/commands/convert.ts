import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ComputeType, Precision, QuantBlockSize } from '../../src/onnx';
import { choiceOption, parseOptions, requireOptions } from '../arguments';
import { describeUsage, diskUsage } from '../disk-usage';
import { FileError } from '../file-error';
import { LORA_OPTION, loraChoices, loraHelp } from '../lora-options';
import { checkOutputFolder } from '../output-target';
import { UsageError } from '../usage-error';

export const summary =
  'build the ONNX model folder from a Hugging Face checkpoint: --from <hf-folder> --to <model-dir> --precision fp32|bf16|int8|int4 [--target cpu|cuda]';

export const usage = `convert --from <hf-folder> --to <model-dir> [options]

Builds the ONNX model folder the app and 'edit' run from a Hugging Face Qwen-Image-Edit checkpoint (the
diffusers layout). The folder appears only when complete. Prints a progress bar on stderr and, at the end,
the folder's size as du reports it.

options:
  --from <hf-folder>   the checkpoint (transformer/, text_encoder/, vae/, tokenizer/, processor/, …)
  --to <model-dir>     the model folder to create
  --precision P        fp32, bf16, int8 or int4 (default fp32)
  --target T           cpu or cuda: the provider the build is tuned for (int kernels' accuracy level,
                       compute type and block size)
  --block-size N       int8/int4 block size: 32, 64 or 128 (default: the target's)
  --compute C          int8/int4 compute type: float32 (CPU) or bfloat16 (CUDA) (default: the target's)
  --overwrite          replace --to if it exists and is not empty (default: refuse)
${loraHelp('fused into the transformer before rounding or quantising (the way to use LoRAs with int8/int4), recorded in model.json')}`;

const PRECISIONS = ['fp32', 'bf16', 'int8', 'int4'] as const satisfies readonly Precision[];
const BLOCK_SIZES = ['32', '64', '128'] as const;
const COMPUTE_TYPES = ['float32', 'bfloat16'] as const satisfies readonly ComputeType[];
const TARGETS = ['cpu', 'cuda'] as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    precision: { type: 'string' },
    target: { type: 'string' },
    'block-size': { type: 'string' },
    compute: { type: 'string' },
    overwrite: { type: 'boolean' },
    ...LORA_OPTION,
  });
  // Every argument is checked before anything is read, written or loaded.
  requireOptions(values, 'from', 'to');
  const precision = choiceOption('precision', values.precision, PRECISIONS) ?? 'fp32';
  const target = choiceOption('target', values.target, TARGETS);
  const blockSizeText = choiceOption('block-size', values['block-size'], BLOCK_SIZES);
  // Without --block-size the target picks it (CUDA's int kernels want 64/128).
  const blockSize = blockSizeText === undefined ? undefined : (Number(blockSizeText) as QuantBlockSize);
  const compute = choiceOption('compute', values.compute, COMPUTE_TYPES);
  if (compute === 'bfloat16' && precision === 'fp32')
    throw new UsageError('--compute bfloat16 needs --precision bf16, int8 or int4');
  const from = resolve(values.from!);
  const to = resolve(values.to!);
  const overwrite = values.overwrite === true;
  const loras = await loraChoices(values);

  const source = await stat(from).catch((error: unknown) => {
    throw new FileError('read', from, error);
  });
  if (!source.isDirectory()) throw new Error(`${from} is not a folder (expected a Hugging Face checkpoint)`);
  const existing = await readdir(to).catch(() => undefined);
  if (existing?.length && !overwrite)
    throw new Error(`${to} exists and is not empty (pass --overwrite to replace it)`);
  await checkOutputFolder(to);

  const { convertCheckpoint } = await import('../../src/convert/convert');
  const started = performance.now();
  const manifest = await convertCheckpoint(from, to, {
    precision,
    ...(blockSize ? { blockSize } : {}),
    ...(target ? { target } : {}),
    overwrite,
    progress: true,
    ...(compute ? { compute } : {}),
    ...(loras.length ? { loras } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const fused = (manifest.loras ?? []).map((l) => ` + ${l.name}:${l.strength}`).join('');
  console.log(
    `${to}: ${Object.keys(manifest.components).join(', ')} at ${precision}${fused}; ${describeUsage(await diskUsage(to))}; ${seconds.toFixed(1)} s`,
  );
  return 0;
}
