import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { EditPipeline } from '../../src/pipeline/edit-pipeline';
import type { EditRequest, MemoryPolicy, StepEvent } from '../../src/pipeline/edit-request';
import type { ProviderChoice } from '../../src/pipeline/execution-provider';
import { openEditModel } from '../../src/pipeline/ort-edit-model';
import type { Region } from '../../src/pipeline/region-mask';

export const summary =
  'edit an image by instruction: --image in.png --prompt "…" [--model <dir>] [--negative " "] [--seed N] [--cfg 4] [--steps 50] [--size WxH] [--mask m.png | --box x,y,w,h] [--feather 8] [--out out.png] [--recipe out.json] [--provider auto|cuda|cpu] [--low-memory] [--no-negative]';

/** Options shared by `edit` and `batch`. */
export const SHARED_OPTIONS = {
  model: { type: 'string' },
  negative: { type: 'string' },
  'no-negative': { type: 'boolean', default: false },
  seed: { type: 'string' },
  cfg: { type: 'string' },
  steps: { type: 'string' },
  size: { type: 'string' },
  provider: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  'low-memory': { type: 'boolean', default: false },
} as const;

type SharedValues = { [K in keyof typeof SHARED_OPTIONS]?: string | boolean };

const num = (name: string, text: string | boolean | undefined): number | undefined => {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`--${name} must be a number, got '${text}'`);
  return v;
};

/** The request fields the shared options set (sizes: `--size WxH` sets the output and the working area). */
export function sharedRequestFields(values: SharedValues): Partial<EditRequest> {
  const fields: Record<string, unknown> = {};
  const seed = num('seed', values.seed);
  if (seed !== undefined) fields.seed = seed;
  const cfg = num('cfg', values.cfg);
  if (cfg !== undefined) fields.cfg = cfg;
  const steps = num('steps', values.steps);
  if (steps !== undefined) fields.steps = steps;
  if (values['no-negative']) fields.negativePrompt = null;
  else if (typeof values.negative === 'string') fields.negativePrompt = values.negative;
  if (typeof values.size === 'string') {
    const m = /^(\d+)x(\d+)$/.exec(values.size);
    if (!m) throw new Error(`--size must look like 512x512, got '${values.size}'`);
    fields.width = Number(m[1]);
    fields.height = Number(m[2]);
    fields.area = Number(m[1]) * Number(m[2]);
  }
  return fields as Partial<EditRequest>;
}

/** Opens the model (or the tiny demo model, with a notice) and a pipeline on it. */
export async function openPipeline(values: SharedValues): Promise<EditPipeline> {
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
  const threads = num('threads', values.threads);
  const model = await openEditModel(resolve(dir), {
    provider,
    ...(threads ? { threads } : {}),
    log: (line) => console.error(line),
  });
  const memoryPolicy: MemoryPolicy = values['low-memory'] ? 'low-memory' : 'resident';
  return new EditPipeline(model, { memoryPolicy });
}

/** A one-line progress bar on stderr: step, seconds per step, ETA. */
export function progressBar(label = ''): (e: StepEvent) => void {
  let last = 0;
  let firstAt = 0;
  return (e) => {
    const now = e.elapsedMs;
    if (e.step === 1) firstAt = now;
    const perStep = e.step > 1 ? (now - firstAt) / (e.step - 1) / 1000 : 0;
    const eta = perStep * (e.steps - e.step);
    const width = 24;
    const filled = Math.round((e.step / e.steps) * width);
    const line = `${label}step ${String(e.step).padStart(String(e.steps).length)}/${e.steps} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${perStep ? `${perStep.toFixed(2)} s/step, ETA ${eta.toFixed(0)} s` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(last)}`);
    else if (e.step === e.steps || e.step === 1) process.stderr.write(`${line}\n`);
    last = line.length;
    if (e.step === e.steps && process.stderr.isTTY) process.stderr.write('\n');
  };
}

/** Writes a file atomically (temp + rename), so an interrupted run never leaves a half-written image. */
export async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      image: { type: 'string' },
      prompt: { type: 'string' },
      mask: { type: 'string' },
      box: { type: 'string' },
      feather: { type: 'string' },
      out: { type: 'string' },
      recipe: { type: 'string' },
    },
  });
  if (!values.image || values.prompt === undefined) {
    console.error(`usage: qwen-edit edit ${summary.slice(summary.indexOf('--image'))}`);
    return 2;
  }
  let region: Region | undefined;
  if (values.mask && values.box) throw new Error('give --mask or --box, not both');
  if (values.mask) region = { kind: 'mask', image: resolve(values.mask) };
  if (values.box) {
    const parts = values.box.split(',').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p)))
      throw new Error(`--box must be x,y,w,h, got '${values.box}'`);
    const [x, y, width, height] = parts as [number, number, number, number];
    region = { kind: 'box', x, y, width, height };
  }
  const feather = num('feather', values.feather);
  const pipeline = await openPipeline(values);
  try {
    const fields = sharedRequestFields(values);
    const result = await pipeline.edit(
      {
        image: resolve(values.image),
        prompt: values.prompt,
        ...fields,
        ...(region ? { region } : {}),
        ...(feather !== undefined ? { feather } : {}),
      },
      { onStep: progressBar() },
    );
    if (result.status !== 'done') return 1;
    const seed = result.recipe.seed;
    const out = resolve(
      values.out ??
        join(dirname(values.image), `${basename(values.image, extname(values.image))}-edit-${seed}.png`),
    );
    await writeAtomic(out, result.png);
    if (values.recipe) {
      const { recipe, timings } = result;
      await writeAtomic(
        resolve(values.recipe),
        Buffer.from(`${JSON.stringify({ output: out, recipe, timings }, null, 2)}\n`),
      );
    }
    const t = result.timings;
    const steps = t.transformerPerStep.length;
    const perStep =
      t.transformerPerStep.reduce((a, b) => a + b, 0) / steps +
      t.hostPerStep.reduce((a, b) => a + b, 0) / steps;
    console.log(
      `${out}: ${result.width}x${result.height}, seed ${seed}, ${steps} steps, CFG ${result.recipe.cfgActive ? result.recipe.cfg : 'off'}, ` +
        `${result.recipe.provider.toUpperCase()}, ${(perStep / 1000).toFixed(2)} s/step, ${(t.total / 1000).toFixed(1)} s total`,
    );
    return 0;
  } finally {
    await pipeline.model.close();
  }
}
