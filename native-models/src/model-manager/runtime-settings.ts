/**
 * The engine's runtime settings kept with the library (`library.json`): execution provider, GPU device id and
 * memory policy. The engine applies them at start as the environment variables the pipeline reads
 * (`QWEN_EDIT_EP`, `QWEN_EDIT_GPU`, `QWEN_EDIT_MEMORY`); a variable already set in the environment wins.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBRARY_FILE } from './models-root';

export type RuntimeSettings = {
  provider: 'auto' | 'cuda' | 'cpu';
  gpuDevice: number;
  memoryPolicy: 'resident' | 'low-memory';
};

export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  provider: 'auto',
  gpuDevice: 0,
  memoryPolicy: 'resident',
};

function parse(text: string): RuntimeSettings {
  const stored = (JSON.parse(text) as { settings?: Partial<RuntimeSettings> }).settings ?? {};
  return { ...DEFAULT_RUNTIME_SETTINGS, ...stored };
}

export async function readRuntimeSettings(root: string): Promise<RuntimeSettings> {
  return readFile(join(root, LIBRARY_FILE), 'utf8').then(parse, () => ({ ...DEFAULT_RUNTIME_SETTINGS }));
}

export async function writeRuntimeSettings(root: string, settings: RuntimeSettings): Promise<void> {
  const path = join(root, LIBRARY_FILE);
  const lib = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await writeFile(`${path}.tmp`, `${JSON.stringify({ ...lib, settings }, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Sets the pipeline's environment variables from the saved settings, leaving any already set alone. */
export function applyRuntimeSettings(root: string, env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  let settings = { ...DEFAULT_RUNTIME_SETTINGS };
  try {
    settings = parse(readFileSync(join(root, LIBRARY_FILE), 'utf8'));
  } catch {
    // No library yet: the defaults.
  }
  env.QWEN_EDIT_EP ??= settings.provider;
  env.QWEN_EDIT_GPU ??= String(settings.gpuDevice);
  env.QWEN_EDIT_MEMORY ??= settings.memoryPolicy;
  return settings;
}
