/**
 * The options `edit` and `batch` share — the model, the sampler settings, the output size — checked
 * against the edit vocabulary's limits before anything loads, then an open pipeline.
 */
import { resolve } from 'node:path';
import type { EditPipeline } from '../src/pipeline/edit-pipeline';
import type { EditRequest } from '../src/pipeline/edit-request';
import { EDIT_LIMITS } from '../src/pipeline/edit-vocabulary';
import type { ProviderChoice } from '../src/pipeline/execution-provider';
import { choiceOption, exclusive, rangeOption } from './arguments';
import type { OptionTable } from './arguments';
import { UsageError } from './usage-error';

export const EDIT_OPTIONS = {
  model: { type: 'string' },
  negative: { type: 'string' },
  'no-negative': { type: 'boolean' },
  seed: { type: 'string' },
  cfg: { type: 'string' },
  steps: { type: 'string' },
  size: { type: 'string' },
  area: { type: 'string' },
  'output-mode': { type: 'string' },
  provider: { type: 'string' },
  threads: { type: 'string' },
  'low-memory': { type: 'boolean' },
} as const satisfies OptionTable;

/** The `--help` lines of the shared options; `seedDefault` says what a missing --seed means. */
export const editOptionsHelp = (
  seedDefault: string,
) => `  --model <dir>        a converted model folder (default: the tiny demo model, random weights)
  --seed N             ${EDIT_LIMITS.seed.min} to ${EDIT_LIMITS.seed.max} (default: ${seedDefault})
  --cfg X              CFG scale, ${EDIT_LIMITS.cfg.min} to ${EDIT_LIMITS.cfg.max} (default ${EDIT_LIMITS.cfg.default}; 1 turns CFG off)
  --steps N            ${EDIT_LIMITS.steps.min} to ${EDIT_LIMITS.steps.max} (default ${EDIT_LIMITS.steps.default})
  --size WxH           the model's output size, sides ${EDIT_LIMITS.side.min} to ${EDIT_LIMITS.side.max} (default: about 1024x1024 at the input's aspect); the reference image stays at the working size
  --area N             the reference image's working area in pixels, ${EDIT_LIMITS.area.min} to ${EDIT_LIMITS.area.max} (default ${EDIT_LIMITS.area.default}, upstream's)
  --output-mode M      source: paste the changed area back onto the full-resolution input; whole: the model's whole output (default source, whole with --size)
  --negative "…"       negative prompt (default " ")
  --no-negative        no negative prompt (CFG off)
  --provider P         auto, cuda or cpu (default auto)
  --threads N          CPU threads for ONNX Runtime
  --low-memory         release sessions between stages (for GPUs that cannot hold everything)`;

type EditValues = { [K in keyof typeof EDIT_OPTIONS]?: string | boolean };

/** The shared options, checked; what the pipeline needs to open. */
export type PipelineSettings = Readonly<{
  model?: string;
  provider: ProviderChoice;
  threads?: number;
  lowMemory: boolean;
}>;

/** `--prompt`'s text: not empty, not longer than the vocabulary allows. */
export function checkPrompt(prompt: string, what = '--prompt'): string {
  if (prompt.trim() === '') throw new UsageError(`${what} must not be empty`);
  if (prompt.length > EDIT_LIMITS.promptChars.max)
    throw new UsageError(
      `${what} must be at most ${EDIT_LIMITS.promptChars.max} characters, got ${prompt.length}`,
    );
  return prompt;
}

/**
 * The request fields the shared options set. `--size WxH` sets the model's output size only: the reference
 * image keeps upstream's working size (`calculate_dimensions(1024², ratio)`), as diffusers does.
 */
export function requestFields(values: EditValues): Partial<EditRequest> {
  const L = EDIT_LIMITS;
  const fields: { -readonly [K in keyof EditRequest]?: EditRequest[K] } = {};
  const seed = rangeOption('seed', values.seed, L.seed, true);
  const cfg = rangeOption('cfg', values.cfg, L.cfg);
  const steps = rangeOption('steps', values.steps, L.steps, true);
  if (seed !== undefined) fields.seed = seed;
  if (cfg !== undefined) fields.cfg = cfg;
  if (steps !== undefined) fields.steps = steps;
  const area = rangeOption('area', values.area, L.area, true);
  if (area !== undefined) fields.area = area;
  const outputMode = choiceOption('output-mode', values['output-mode'], ['source', 'whole'] as const);
  if (outputMode !== undefined) fields.outputMode = outputMode;
  exclusive(values, 'negative', 'no-negative');
  if (values['no-negative']) fields.negativePrompt = null;
  else if (typeof values.negative === 'string') fields.negativePrompt = values.negative;
  if (typeof values.size === 'string') {
    const m = /^(\d+)x(\d+)$/.exec(values.size);
    if (!m) throw new UsageError(`--size must look like 512x512, got '${values.size}'`);
    const [width, height] = [Number(m[1]), Number(m[2])];
    if ([width, height].some((side) => side < L.side.min || side > L.side.max))
      throw new UsageError(
        `--size sides must be from ${L.side.min} to ${L.side.max} pixels, got '${values.size}'`,
      );
    fields.width = width;
    fields.height = height;
  }
  return fields;
}

/** The options that open the pipeline, checked. */
export function pipelineSettings(values: EditValues): PipelineSettings {
  const provider = choiceOption('provider', values.provider, ['auto', 'cuda', 'cpu'] as const) ?? 'auto';
  const threads = rangeOption('threads', values.threads, { min: 1, max: 1024 }, true);
  return {
    ...(typeof values.model === 'string' ? { model: values.model } : {}),
    provider,
    ...(threads !== undefined ? { threads } : {}),
    lowMemory: values['low-memory'] === true,
  };
}

/** Runs `use` on a pipeline over `--model` (or the tiny demo model, with a notice), then closes it. */
export async function withPipeline<T>(
  settings: PipelineSettings,
  use: (p: EditPipeline) => Promise<T>,
): Promise<T> {
  // Loaded here, after every argument was checked, so a typo is answered without loading ORT.
  const [{ ensureDemoModel }, { EditPipeline }, { openEditModel }] = await Promise.all([
    import('../src/tiny/demo-model'),
    import('../src/pipeline/edit-pipeline'),
    import('../src/pipeline/ort-edit-model'),
  ]);
  let dir = settings.model;
  if (!dir) {
    console.error(
      'note: no --model given; using the tiny demo model, which has RANDOM weights (output is noise-like)',
    );
    dir = await ensureDemoModel(0);
  }
  const memoryPolicy = settings.lowMemory ? 'low-memory' : 'resident';
  const model = await openEditModel(resolve(dir), {
    provider: settings.provider,
    memoryPolicy,
    ...(settings.threads ? { threads: settings.threads } : {}),
    log: (line) => console.error(line),
  });
  try {
    return await use(new EditPipeline(model, { memoryPolicy }));
  } finally {
    await model.close();
  }
}
