/**
 * Real images for project tests, made with sharp: a seed picks the colours, so different seeds give
 * different pixels and the same seed the same bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

import type { RecipeInput } from '../schemas';

/** A w×h RGB PNG with a seed-dependent gradient. */
export async function seededPng(seed: number, width = 32, height = 24): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + seed * 31) & 255;
      data[i + 1] = (y * 11 + seed * 17) & 255;
      data[i + 2] = (x * y + seed * 5) & 255;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function seededJpeg(seed: number, width = 32, height = 24): Promise<Buffer> {
  return sharp(await seededPng(seed, width, height))
    .jpeg()
    .toBuffer();
}

/** A recipe with every field filled in; `input` is left to the project (the parent's image). */
export function sampleRecipe(seed: number, prompt = 'make the sign red'): Omit<RecipeInput, 'input'> {
  return {
    model: { id: 'qwen-image-edit-tiny', files: { 'transformer/model.onnx': 'a'.repeat(64) } },
    prompt,
    negativePrompt: 'blurry',
    seed,
    cfg: 4,
    steps: 8,
    sizes: { input: { width: 32, height: 24 }, output: { width: 32, height: 24 } },
    region: null,
    timings: { total: 12.5 },
  };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qes-projects-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qes-projects-'));
}
