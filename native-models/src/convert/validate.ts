/**
 * Checks a Hugging Face Qwen-Image-Edit checkpoint folder before anything is built: known pipeline and
 * component classes, configs with supported values, shards present and intact, and every tensor the
 * configs imply present with the right shape. Errors name the file (and tensor or field).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { openWeightsInFolder } from '../safetensors/sharded';
import type { SafetensorsWeights } from '../safetensors/reader';
import type { WeightSource } from '../weights';
import type { ExpectedTensor } from '../config/expected-tensor';
import { readModelIndex, readSchedulerConfig } from '../config/pipeline';
import { readTextEncoderConfig } from '../config/text-encoder';
import { textEncoderTensors } from '../config/text-encoder-tensors';
import { readTransformerConfig } from '../config/transformer';
import { checkpointVariant } from '../config/variant';
import type { CheckpointVariant } from '../config/variant';
import { transformerTensors } from '../config/transformer-tensors';
import { readVaeConfig } from '../config/vae';
import { vaeTensors } from '../config/vae-tensors';
import { canonicalTextEncoderWeights } from './canonical-weights';
import type { ComponentPlugin, SourceFolder } from './component';
import { createHash } from 'node:crypto';

export type CheckedCheckpoint = Readonly<{
  dir: string;
  pipeline: string;
  /** Which release the checkpoint is (model_index.json's pipeline and the transformer's `zero_cond_t`). */
  variant: CheckpointVariant;
  /** Raw config JSON by source folder, plus model_index and scheduler. */
  configs: Readonly<Record<SourceFolder | 'model_index' | 'scheduler', unknown>>;
  /** Each plugin's parsed config, by component name. */
  parsed: ReadonlyMap<string, unknown>;
  /** Weights by source folder (the text encoder's under the current name spelling). */
  weights: Readonly<Record<SourceFolder, WeightSource>>;
  /** Tensor bytes by source folder. */
  weightBytes: Readonly<Record<SourceFolder, number>>;
  /** sha256 of every JSON file read (configs, indexes), by path relative to `dir`. */
  sourceHashes: Readonly<Record<string, string>>;
  tokenizerFiles: readonly string[];
  processorFiles: readonly string[];
}>;

async function readJson(dir: string, path: string, hashes: Record<string, string>): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, path), 'utf8');
  } catch {
    throw new Error(`${join(dir, path)}: file not found`);
  }
  hashes[path] = createHash('sha256').update(text).digest('hex');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${join(dir, path)}: malformed JSON (${(error as Error).message})`);
  }
}

/** Regular files in `dir`, symlinks to files included (a Hugging Face cache snapshot is all symlinks). */
async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new Error(`${dir}: folder not found`);
  }
  const files: string[] = [];
  for (const e of entries) {
    const isFile =
      e.isFile() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => undefined))?.isFile());
    if (isFile) files.push(e.name);
  }
  return files.sort();
}

function checkTensors(
  dir: string,
  folder: string,
  weights: SafetensorsWeights,
  stored: WeightSource,
  expected: readonly ExpectedTensor[],
): void {
  const where = (name?: string) => {
    const range = name && stored.has(name) ? stored.locate(name) : undefined;
    if (range) return relative(dir, range.path);
    return weights.files.length > 1
      ? `${folder}/ (${weights.files.length} shards)`
      : relative(dir, weights.files[0]!);
  };
  for (const t of expected) {
    if (!stored.has(t.name)) {
      throw new Error(
        `${join(dir, where())}: tensor '${t.name}' is missing (the config implies shape [${t.shape.join(', ')}])`,
      );
    }
    const shape = stored.info(t.name).shape;
    if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(
        `${join(dir, where(t.name))}: tensor '${t.name}' has shape [${shape.join(', ')}] but the config implies [${t.shape.join(', ')}]`,
      );
    }
  }
}

/** Validates the checkpoint at `dir` for the given components; throws on the first problem found. */
export async function validateCheckpoint(
  dir: string,
  plugins: readonly ComponentPlugin[],
): Promise<CheckedCheckpoint> {
  const hashes: Record<string, string> = {};
  const modelIndex = await readJson(dir, 'model_index.json', hashes);
  const { pipeline } = readModelIndex(modelIndex, join(dir, 'model_index.json'));
  const configs = {
    model_index: modelIndex,
    transformer: await readJson(dir, 'transformer/config.json', hashes),
    vae: await readJson(dir, 'vae/config.json', hashes),
    text_encoder: await readJson(dir, 'text_encoder/config.json', hashes),
    scheduler: await readJson(dir, 'scheduler/scheduler_config.json', hashes),
  };
  const file = (p: string) => join(dir, p);
  readSchedulerConfig(configs.scheduler, file('scheduler/scheduler_config.json'));
  const transformer = readTransformerConfig(configs.transformer, file('transformer/config.json'));
  const variant = checkpointVariant(pipeline, transformer, file('transformer/config.json'));
  const expected: Record<SourceFolder, ExpectedTensor[]> = {
    transformer: transformerTensors(transformer),
    vae: vaeTensors(readVaeConfig(configs.vae, file('vae/config.json'))),
    text_encoder: textEncoderTensors(
      readTextEncoderConfig(configs.text_encoder, file('text_encoder/config.json')),
    ),
  };
  const parsed = new Map<string, unknown>();
  for (const plugin of plugins) {
    parsed.set(plugin.name, plugin.parseConfig(configs[plugin.source], file(`${plugin.source}/config.json`)));
  }

  const weights = {} as Record<SourceFolder, WeightSource>;
  const weightBytes = {} as Record<SourceFolder, number>;
  for (const folder of ['transformer', 'vae', 'text_encoder'] as const) {
    for (const f of await listFiles(file(folder))) {
      if (f.endsWith('.safetensors.index.json')) await readJson(dir, `${folder}/${f}`, hashes);
    }
    const raw = await openWeightsInFolder(file(folder));
    const stored = folder === 'text_encoder' ? canonicalTextEncoderWeights(raw) : raw;
    checkTensors(dir, folder, raw, stored, expected[folder]);
    weights[folder] = stored;
    weightBytes[folder] = raw.totalBytes;
  }

  const tokenizerFiles = await listFiles(file('tokenizer'));
  const hasBpe =
    tokenizerFiles.includes('tokenizer.json') ||
    (tokenizerFiles.includes('vocab.json') && tokenizerFiles.includes('merges.txt'));
  if (!hasBpe || !tokenizerFiles.includes('tokenizer_config.json')) {
    throw new Error(
      `${file('tokenizer')}: needs tokenizer_config.json and tokenizer.json (or vocab.json + merges.txt)`,
    );
  }
  const processorFiles = await listFiles(file('processor'));
  if (!processorFiles.includes('preprocessor_config.json')) {
    throw new Error(`${file('processor/preprocessor_config.json')}: file not found`);
  }
  return {
    dir,
    pipeline,
    variant,
    configs,
    parsed,
    weights,
    weightBytes,
    sourceHashes: hashes,
    tokenizerFiles,
    processorFiles,
  };
}
