/**
 * Sharded checkpoints: `<base>.safetensors.index.json` holds `{ metadata, weight_map: { tensor: file } }`
 * and the shards lie next to it. Every shard's header is read and checked against the index at open, so a
 * missing or mismatched shard is reported before any conversion work starts.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readSafetensorsHeader } from './header';
import { openSafetensors, weightsFromHeaders } from './reader';
import type { SafetensorsWeights } from './reader';

/** Opens a sharded checkpoint from its index file. */
export async function openShardedSafetensors(indexPath: string): Promise<SafetensorsWeights> {
  let index: { weight_map?: unknown };
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map?: unknown };
  } catch (error) {
    throw new Error(`${indexPath}: cannot read the shard index (${(error as Error).message})`);
  }
  const map = index.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new Error(`${indexPath}: the shard index has no weight_map object`);
  }
  const weightMap = map as Record<string, unknown>;
  const shardNames = [...new Set(Object.values(weightMap))];
  for (const shard of shardNames) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\')) {
      throw new Error(`${indexPath}: weight_map names an invalid shard file ${JSON.stringify(shard)}`);
    }
  }
  const dir = dirname(indexPath);
  const headers = await Promise.all(
    (shardNames as string[]).map(async (shard) => {
      const path = join(dir, shard);
      if (!(await exists(path))) {
        const first = Object.keys(weightMap).find((k) => weightMap[k] === shard);
        throw new Error(`${indexPath}: shard ${shard} is missing (the index maps '${first}' to it)`);
      }
      return readSafetensorsHeader(path);
    }),
  );
  const weights = weightsFromHeaders(headers, indexPath);
  for (const [tensor, shard] of Object.entries(weightMap)) {
    const range = weights.has(tensor) ? weights.locate(tensor) : undefined;
    if (!range || basename(range.path) !== shard) {
      throw new Error(
        `${indexPath}: tensor '${tensor}' is mapped to ${shard as string} but that shard does not hold it`,
      );
    }
  }
  return weights;
}

/**
 * Opens the weights of one component folder (e.g. `transformer/`): the single `*.safetensors.index.json`
 * if there is one, else the single `*.safetensors` file.
 */
export async function openWeightsInFolder(dir: string): Promise<SafetensorsWeights> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new Error(`${dir}: folder not found`);
  }
  const indexes = entries.filter((f) => f.endsWith('.safetensors.index.json'));
  if (indexes.length > 1) throw new Error(`${dir}: more than one shard index (${indexes.join(', ')})`);
  if (indexes[0]) return openShardedSafetensors(join(dir, indexes[0]));
  const files = entries.filter((f) => f.endsWith('.safetensors'));
  if (files.length === 0) throw new Error(`${dir}: no .safetensors file and no .safetensors.index.json`);
  if (files.length > 1) {
    throw new Error(
      `${dir}: ${files.length} .safetensors files but no .safetensors.index.json to say which to use`,
    );
  }
  return openSafetensors(join(dir, files[0]!));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
