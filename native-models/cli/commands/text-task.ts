/**
 * What `enhance` and `describe` share: options, opening the model's text generator (the demo model with an
 * honest notice when no --model is given), and printing the answer as it streams.
 */
import { resolve } from 'node:path';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import type { ProviderChoice } from '../../src/pipeline/execution-provider';
import { loadRgbImage } from '../../src/pipeline/load-image';
import { openTextGenerator } from '../../src/pipeline/generation/text-generator';
import type { TextTaskRequest, TextTaskResult } from '../../src/pipeline/generation/text-generator';
import type { SamplingOptions } from '../../src/pipeline/generation/sampling';

export const TEXT_TASK_OPTIONS = {
  model: { type: 'string' },
  image: { type: 'string' },
  provider: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Values = { [K in keyof typeof TEXT_TASK_OPTIONS]?: string | boolean };

const num = (name: string, text: string | boolean | undefined): number | undefined => {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`--${name} must be a number, got '${text}'`);
  return v;
};

/** Runs one text task and prints it: streamed to stdout, or as one JSON object with --json. */
export async function runTextTask(
  values: Values,
  request: Omit<TextTaskRequest, 'image' | 'onText' | 'sampling' | 'maxNewTokens'>,
): Promise<TextTaskResult> {
  let dir = typeof values.model === 'string' ? values.model : undefined;
  const demo = !dir;
  if (!dir) {
    console.error(
      'note: no --model given; using the tiny demo model, which has RANDOM weights: its text is gibberish',
    );
    dir = await ensureDemoModel(0);
  }
  const provider = String(values.provider ?? 'auto') as ProviderChoice;
  if (!['auto', 'cuda', 'cpu'].includes(provider))
    throw new Error(`--provider must be auto, cuda or cpu, got '${provider}'`);
  const sampling: Record<string, number> = {};
  for (const [flag, key] of [
    ['temperature', 'temperature'],
    ['top-k', 'topK'],
    ['top-p', 'topP'],
    ['seed', 'seed'],
  ] as const) {
    const v = num(flag, values[flag]);
    if (v !== undefined) sampling[key] = v;
  }
  const maxNewTokens = num('max-tokens', values['max-tokens']);
  const threads = num('threads', values.threads);
  const image = typeof values.image === 'string' ? await loadRgbImage(resolve(values.image)) : undefined;
  const generator = await openTextGenerator(resolve(dir), {
    provider,
    ...(threads ? { threads } : {}),
    log: (line) => console.error(line),
  });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await generator.run({
      ...request,
      ...(image ? { image } : {}),
      ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
      sampling: sampling as SamplingOptions,
      signal: controller.signal,
      ...(values.json ? {} : { onText: (delta: string) => process.stdout.write(delta) }),
    });
    if (values.json) {
      console.log(JSON.stringify({ ...result, demo, ...(demo ? { note: 'random-weight demo model' } : {}) }));
    } else {
      process.stdout.write('\n');
      if (result.reason === 'cancelled') console.error('(cancelled)');
    }
    return result;
  } finally {
    process.off('SIGINT', onSigint);
    await generator.release();
  }
}
