/**
 * The demo model: the tiny random-weight model, converted, for the CLI without `--model`, the tests and
 * the benchmark.
 *
 * The tiny checkpoint's transformer must take the text encoder's hidden states, i.e. its
 * `joint_attention_dim` must equal the text encoder's `hidden_size` (3584 = 3584 in the release). Where
 * the generator's configs disagree (joint 48, text 64 at the time of writing), this module rewrites the
 * transformer folder of a copy of the checkpoint with the matching width — same seeded init, same names —
 * and converts that. When the generator's configs agree, the store's `ensureTinyModel` is used as is.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTransformerConfig, transformerTensors } from '../convert/architecture/transformer';
import { COMPONENTS } from '../convert/components';
import { writeModelFolder } from '../convert/convert';
import { validateCheckpoint } from '../convert/validate';
import { f32ToBytes } from '../safetensors/dtype';
import { writeSafetensors } from '../safetensors/writer';
import { buildOnce } from '../store/build-once';
import { cacheRoot } from '../store/cache-dir';
import { ensureTinyModel } from '../store/tiny-model';
import { ensureTinyCheckpoint, initTensor } from '../tiny';

const DEMO_VERSION = 1;

/** Path of a converted demo model for `seed` (built into the cache on first use). */
export async function ensureDemoModel(seed = 0): Promise<string> {
  const checkpoint = await ensureTinyCheckpoint(seed);
  const transformer = JSON.parse(
    await readFile(join(checkpoint, 'transformer', 'config.json'), 'utf8'),
  ) as Record<string, unknown>;
  const text = JSON.parse(await readFile(join(checkpoint, 'text_encoder', 'config.json'), 'utf8')) as {
    hidden_size: number;
  };
  if (transformer.joint_attention_dim === text.hidden_size) return ensureTinyModel(seed);

  const official = await ensureTinyModel(seed);
  // The store's marker changes whenever a graph builder changes; follow it.
  const marker = { demo: DEMO_VERSION, seed, base: await readFile(join(official, '.complete.json'), 'utf8') };
  return buildOnce(join(cacheRoot(), 'demo-model', `${seed}-fp32`), marker, async (tmp) => {
    const source = `${tmp}-checkpoint`;
    await cp(checkpoint, source, { recursive: true });
    try {
      const config = { ...transformer, joint_attention_dim: text.hidden_size };
      const dir = join(source, 'transformer');
      for (const f of ['diffusion_pytorch_model.safetensors.index.json'])
        await rm(join(dir, f), { force: true });
      const { readdir } = await import('node:fs/promises');
      for (const f of await readdir(dir)) if (f.endsWith('.safetensors')) await rm(join(dir, f));
      await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      const tensors = transformerTensors(readTransformerConfig(config));
      await writeSafetensors(
        join(dir, 'diffusion_pytorch_model.safetensors'),
        tensors.map((t) => ({
          name: t.name,
          dtype: 'F32',
          shape: t.shape,
          data: () => f32ToBytes('F32', initTensor(seed, t)),
        })),
      );
      const checked = await validateCheckpoint(source, COMPONENTS);
      await writeModelFolder(checked, tmp, { precision: 'fp32', blockSize: 32 }, COMPONENTS);
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });
}
