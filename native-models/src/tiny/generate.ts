/**
 * Writes a complete tiny Qwen-Image-Edit checkpoint in the Hugging Face diffusers layout, with seeded
 * random weights scaled so activations stay in a realistic range: norm weights ≈ 1, linear and conv
 * weights ~ N(0, 1/fan_in), small biases. Same seed and sizes → byte-identical files.
 *
 * Storage mirrors the release: transformer and text encoder in BF16, each sharded into two files with
 * an index; the VAE in one F16 file (exercising the single-file and F16 paths too).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextEncoderConfig } from '../config/text-encoder';
import { textEncoderTensors } from '../config/text-encoder-tensors';
import { lmHeadTensors, tiedWordEmbeddings } from '../config/generation';
import { readTransformerConfig } from '../config/transformer';
import { transformerTensors } from '../config/transformer-tensors';
import { readVaeConfig } from '../config/vae';
import { vaeTensors } from '../config/vae-tensors';
import type { ExpectedTensor } from '../config/expected-tensor';
import { DTYPE_BYTES, f32ToBytes } from '../safetensors/dtype';
import { writeSafetensors } from '../safetensors/writer';
import type { TensorToWrite } from '../safetensors/writer';
import type { DType } from '../weights';
import type { CheckpointVariant } from '../config/variant';
import * as configs from './configs';
import type { TinySizes } from './configs';
import { TensorRandom } from './prng';
import { processorChatTemplate, qwenTokenizerFiles } from './tokenizer-files';

export type TinyOptions = Readonly<{
  seed: number;
  sizes?: TinySizes;
  /** Which release's config files (default 'edit'); the weights' names, shapes and values are the same. */
  variant?: CheckpointVariant;
}>;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The random init of one parameter (see the module comment for the scales). */
export function initTensor(seed: number, t: ExpectedTensor): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const random = new TensorRandom(seed, t.name);
  switch (t.kind) {
    case 'norm':
      return random.normals(n, 0.05, 1);
    case 'bias':
      return random.normals(n, 0.02);
    case 'embedding':
      return random.normals(n, 1);
    case 'linear':
    case 'conv':
      return random.normals(n, 1 / Math.sqrt(t.fanIn));
  }
}

function toWrite(seed: number, dtype: DType, tensors: readonly ExpectedTensor[]): TensorToWrite[] {
  return tensors.map((t) => ({
    name: t.name,
    dtype,
    shape: t.shape,
    data: () => f32ToBytes(dtype, initTensor(seed, t)),
  }));
}

/**
 * Writes `tensors` as `<base>-0000k-of-0000n.safetensors` shards plus `<base>.safetensors.index.json`,
 * splitting at byte boundaries as evenly as whole tensors allow.
 */
async function writeSharded(
  dir: string,
  base: string,
  tensors: readonly TensorToWrite[],
  shards: number,
): Promise<void> {
  const bytes = (t: TensorToWrite) => t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
  const total = tensors.reduce((sum, t) => sum + bytes(t), 0);
  const groups: TensorToWrite[][] = Array.from({ length: shards }, () => []);
  let done = 0;
  for (const t of tensors) {
    const k = Math.min(shards - 1, Math.floor((done * shards) / total));
    groups[k]!.push(t);
    done += bytes(t);
  }
  const weightMap: Record<string, string> = {};
  for (const [i, group] of groups.entries()) {
    const file = `${base}-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    await writeSafetensors(join(dir, file), group);
    for (const t of group) weightMap[t.name] = file;
  }
  const sorted = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFile(
    join(dir, `${base}.safetensors.index.json`),
    json({ metadata: { total_size: total }, weight_map: sorted }),
  );
}

/** Writes the tiny checkpoint into `outDir` (created if needed). */
export async function writeTinyCheckpoint(outDir: string, options: TinyOptions): Promise<void> {
  const { seed, variant = 'edit' } = options;
  const sizes = options.sizes ?? configs.DEFAULT_TINY_SIZES;
  const dir = (name: string) => join(outDir, name);
  for (const sub of ['transformer', 'vae', 'text_encoder', 'tokenizer', 'processor', 'scheduler']) {
    await mkdir(dir(sub), { recursive: true });
  }
  await writeFile(join(outDir, 'model_index.json'), json(configs.modelIndex(variant)));

  const transformer = configs.transformerConfig(sizes, variant);
  await writeFile(join(dir('transformer'), 'config.json'), json(transformer));
  const transformerParams = transformerTensors(readTransformerConfig(transformer));
  await writeSharded(
    dir('transformer'),
    'diffusion_pytorch_model',
    toWrite(seed, 'BF16', transformerParams),
    2,
  );

  const vae = configs.vaeConfig();
  await writeFile(join(dir('vae'), 'config.json'), json(vae));
  await writeSafetensors(
    join(dir('vae'), 'diffusion_pytorch_model.safetensors'),
    toWrite(seed, 'F16', vaeTensors(readVaeConfig(vae))),
  );

  const text = configs.textEncoderConfig();
  await writeFile(join(dir('text_encoder'), 'config.json'), json(text));
  await writeFile(join(dir('text_encoder'), 'generation_config.json'), json(configs.generationConfig()));
  const textShape = readTextEncoderConfig(text);
  // lm_head comes last and draws from its own stream, so every other tensor keeps its bytes.
  const textParams = [
    ...textEncoderTensors(textShape),
    ...lmHeadTensors(textShape, tiedWordEmbeddings(text)),
  ];
  await writeSharded(dir('text_encoder'), 'model', toWrite(seed, 'BF16', textParams), 2);

  const tokenizerFiles = await qwenTokenizerFiles();
  for (const [name, content] of Object.entries(tokenizerFiles)) {
    await writeFile(join(dir('tokenizer'), name), content);
    await writeFile(join(dir('processor'), name), content);
  }
  await writeFile(join(dir('processor'), 'preprocessor_config.json'), json(configs.preprocessorConfig()));
  await writeFile(join(dir('processor'), 'chat_template.json'), processorChatTemplate());
  await writeFile(join(dir('scheduler'), 'scheduler_config.json'), json(configs.schedulerConfig()));
}
