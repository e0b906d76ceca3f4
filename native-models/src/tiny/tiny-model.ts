/**
 * The tiny model, converted: the tiny checkpoint turned into an fp32 model folder in the cache, reused
 * while complete. The demo and the tests use it. Its cache marker includes a fingerprint of the converter
 * and graph-builder sources, so a change to any builder rebuilds it instead of testing stale graphs.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPONENTS } from '../convert/components';
import { writeModelFolder } from '../convert/convert';
import { validateCheckpoint } from '../convert/validate';
import { ensureTinyCheckpoint, TINY_GENERATOR_VERSION, variantSuffix } from './ensure';
import { DEFAULT_TINY_SIZES } from './configs';
import type { CheckpointVariant } from '../config/variant';
import { buildOnce } from '../model-store/build-once';
import { cacheRoot } from '../model-store/cache-dir';

const srcRoot = fileURLToPath(new URL('../', import.meta.url));

/** sha256 over the sources that decide what a conversion writes (tests excluded). */
async function builderFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of ['onnx', 'config', 'graphs', 'convert', 'safetensors']) {
    const entries = await readdir(join(srcRoot, folder), { recursive: true }).catch(() => [] as string[]);
    for (const file of entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) {
      hash.update(`${folder}/${file}\0`).update(await readFile(join(srcRoot, folder, file)));
    }
  }
  return hash.digest('hex');
}

/**
 * Path of the converted fp32 tiny model for `seed` (and `variant`: 'edit-2511' builds the zero_cond_t
 * transformer), converting it if the cache lacks a current one.
 */
export async function ensureTinyModel(seed = 0, variant: CheckpointVariant = 'edit'): Promise<string> {
  const checkpoint = await ensureTinyCheckpoint(seed, DEFAULT_TINY_SIZES, variant);
  const marker = {
    tiny: TINY_GENERATOR_VERSION,
    seed,
    ...(variant === 'edit' ? {} : { variant }),
    builders: await builderFingerprint(),
    components: COMPONENTS.map((c) => c.name),
  };
  return buildOnce(
    join(cacheRoot(), 'tiny-model-onnx', `${seed}${variantSuffix(variant)}-fp32`),
    marker,
    async (tmp) => {
      const checked = await validateCheckpoint(checkpoint, COMPONENTS);
      await writeModelFolder(checked, tmp, { precision: 'fp32', blockSize: 32 }, COMPONENTS);
    },
  );
}
