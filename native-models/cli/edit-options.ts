/**
 * The options `edit` and `batch` share — the model, the sampler settings, the output size — parsed once
 * into request fields and an open pipeline.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ensureDemoModel } from '../src/tiny/demo-model';
import { EditPipeline } from '../src/pipeline/edit-pipeline';
import type { EditRequest } from '../src/pipeline/edit-request';
import type { ProviderChoice } from '../src/pipeline/execution-provider';
import { openEditModel } from '../src/pipeline/ort-edit-model';

export const EDIT_OPTIONS = {
  model: { type: 'string' },
  negative: { type: 'string' },
  'no-negative': { type: 'boolean', default: false },
  seed: { type: 'string' },
  cfg: { type: 'string' },
  steps: { type: 'string' },
  size: { type: 'string' },
  area: { type: 'string' },
  'output-mode': { type: 'string' },
  provider: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  'low-memory': { type: 'boolean', default: false },
} as const;

type EditValues = { [K in keyof typeof EDIT_OPTIONS]?: string | boolean };

/** Parses `argv` with the shared options and the command's `own`. */
export function parseEditArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], own: O) {
  return parseArgs({ args: argv, options: { ...EDIT_OPTIONS, ...own } }).values;
}

/** The value of a numeric option, if given. */
export function numberOption(name: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`--${name} must be a number, got '${text}'`);
  return v;
}

/**
 * The request fields the shared options set. `--size WxH` sets the model's output size only: the reference
 * image keeps upstream's working size (`calculate_dimensions(1024², ratio)`), as diffusers does.
 */
export function requestFields(values: EditValues): Partial<EditRequest> {
  const fields: Record<string, unknown> = {};
  for (const name of ['seed', 'cfg', 'steps', 'area'] as const) {
    const v = numberOption(name, values[name]);
    if (v !== undefined) fields[name] = v;
  }
  if (values['no-negative']) fields.negativePrompt = null;
  else if (typeof values.negative === 'string') fields.negativePrompt = values.negative;
  if (typeof values.size === 'string') {
    const m = /^(\d+)x(\d+)$/.exec(values.size);
    if (!m) throw new Error(`--size must look like 512x512, got '${values.size}'`);
    fields.width = Number(m[1]);
    fields.height = Number(m[2]);
  }
  const mode = values['output-mode'];
  if (typeof mode === 'string') {
    if (mode !== 'source' && mode !== 'whole')
      throw new Error(`--output-mode must be source or whole, got '${mode}'`);
    fields.outputMode = mode;
  }
  return fields as Partial<EditRequest>;
}

/** Runs `use` on a pipeline over `--model` (or the tiny demo model, with a notice), then closes it. */
export async function withPipeline<T>(values: EditValues, use: (p: EditPipeline) => Promise<T>): Promise<T> {
  let dir = typeof values.model === 'string' ? values.model : undefined;
  if (!dir) {
    console.error(
      'note: no --model given; using the tiny demo model, which has RANDOM weights (output is noise-like)',
    );
    dir = await ensureDemoModel(0);
  }
  const provider = String(values.provider ?? 'auto') as ProviderChoice;
  if (!['auto', 'cuda', 'cpu'].includes(provider))
    throw new Error(`--provider must be auto, cuda or cpu, got '${provider}'`);
  const threads = numberOption('threads', values.threads);
  const model = await openEditModel(resolve(dir), {
    provider,
    ...(threads ? { threads } : {}),
    log: (line) => console.error(line),
  });
  try {
    return await use(
      new EditPipeline(model, { memoryPolicy: values['low-memory'] ? 'low-memory' : 'resident' }),
    );
  } finally {
    await model.close();
  }
}
