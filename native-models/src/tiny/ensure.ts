/** The tiny checkpoint on demand, generated once into the cache and reused while complete. */
import { join } from 'node:path';
import { buildOnce } from '../model-store/build-once';
import { cacheRoot } from '../model-store/cache-dir';
import { DEFAULT_TINY_SIZES } from './configs';
import type { TinySizes } from './configs';
import { writeTinyCheckpoint } from './generate';

/** Bump when the generator's output changes, so cached checkpoints are regenerated. */
export const TINY_GENERATOR_VERSION = 3;

/** The cache folder of the tiny checkpoint for this seed (and non-default sizes). */
export function tinyCheckpointDir(seed: number, sizes: TinySizes = DEFAULT_TINY_SIZES): string {
  const isDefault =
    sizes.transformerLayers === DEFAULT_TINY_SIZES.transformerLayers &&
    sizes.transformerHeads === DEFAULT_TINY_SIZES.transformerHeads;
  const name = isDefault ? String(seed) : `${seed}-l${sizes.transformerLayers}-h${sizes.transformerHeads}`;
  return join(cacheRoot(), 'tiny-model', name);
}

/** Path of a complete tiny checkpoint for `seed`, generating it if the cache lacks one. */
export async function ensureTinyCheckpoint(seed = 0, sizes: TinySizes = DEFAULT_TINY_SIZES): Promise<string> {
  const marker = { generator: TINY_GENERATOR_VERSION, seed, sizes };
  return buildOnce(tinyCheckpointDir(seed, sizes), marker, (tmp) =>
    writeTinyCheckpoint(tmp, { seed, sizes }),
  );
}
