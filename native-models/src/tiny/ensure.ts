/** The tiny checkpoint on demand, generated once into the cache and reused while complete. */
import { join } from 'node:path';
import { buildOnce } from '../model-store/build-once';
import { cacheRoot } from '../model-store/cache-dir';
import { DEFAULT_TINY_SIZES } from './configs';
import type { TinySizes } from './configs';
import { writeTinyCheckpoint } from './generate';
import type { CheckpointVariant } from '../config/variant';

/** Bump when the generator's output changes, so cached checkpoints are regenerated. */
export const TINY_GENERATOR_VERSION = 3;

/** The cache name's suffix of a variant: none for the first release (so its folders keep their names). */
export const variantSuffix = (variant: CheckpointVariant) => (variant === 'edit' ? '' : `-${variant}`);

/** The cache folder of the tiny checkpoint for this seed (and non-default sizes or variant). */
export function tinyCheckpointDir(
  seed: number,
  sizes: TinySizes = DEFAULT_TINY_SIZES,
  variant: CheckpointVariant = 'edit',
): string {
  const isDefault =
    sizes.transformerLayers === DEFAULT_TINY_SIZES.transformerLayers &&
    sizes.transformerHeads === DEFAULT_TINY_SIZES.transformerHeads;
  const name = isDefault ? String(seed) : `${seed}-l${sizes.transformerLayers}-h${sizes.transformerHeads}`;
  return join(cacheRoot(), 'tiny-model', `${name}${variantSuffix(variant)}`);
}

/** Path of a complete tiny checkpoint for `seed`, generating it if the cache lacks one. */
export async function ensureTinyCheckpoint(
  seed = 0,
  sizes: TinySizes = DEFAULT_TINY_SIZES,
  variant: CheckpointVariant = 'edit',
): Promise<string> {
  const marker = {
    generator: TINY_GENERATOR_VERSION,
    seed,
    sizes,
    ...(variant === 'edit' ? {} : { variant }),
  };
  return buildOnce(tinyCheckpointDir(seed, sizes, variant), marker, (tmp) =>
    writeTinyCheckpoint(tmp, { seed, sizes, variant }),
  );
}
