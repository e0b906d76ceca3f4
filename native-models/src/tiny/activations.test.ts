/**
 * The tiny model's init keeps activations in a realistic range through every component, run as the
 * pipeline chains them: vision → language model → transformer, and VAE encoder → decoder. "Realistic"
 * here: finite, not collapsed (std well above 0), not exploding (std within a few dozen), and the
 * decoder's output not pinned to its [−1, 1] clamp.
 */
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextEncoderConfig } from '../config/text-encoder';
import { textGraphFeeds } from '../graphs/text/feeds';
import { qwenImageRopeTables } from '../graphs/transformer/rope';
import { modulationFeeds, modulationTable } from '../graphs/transformer/modulation-feeds';

import type { FeedSpec } from '../graphs/vision/feeds';
import { visionGraphFeeds } from '../graphs/vision/feeds';
import { openModel } from '../model-store/open-model';
import type { LoadedModel } from '../model-store/open-model';
import { ensureTinyModel } from './tiny-model';
import { TensorRandom } from './prng';

let model: LoadedModel;
beforeAll(async () => {
  model = await openModel(await ensureTinyModel(0), { providers: ['cpu'], verify: 'size' });
});
afterAll(async () => {
  await model.release();
});

const tensors = (feeds: Record<string, FeedSpec>) =>
  Object.fromEntries(
    Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.dtype, f.data, [...f.dims])]),
  );

function stats(values: Float32Array) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { finite: values.every(Number.isFinite), std };
}

function expectRealistic(name: string, values: Float32Array) {
  const s = stats(values);
  expect(s.finite, `${name} finite`).toBe(true);
  expect(s.std, `${name} std`).toBeGreaterThan(0.05);
  expect(s.std, `${name} std`).toBeLessThan(30);
}

async function run(
  component: 'vision' | 'text' | 'transformer' | 'vae_encoder' | 'vae_decoder',
  feeds: Record<string, ort.Tensor>,
) {
  const session = await model.session(component);
  const out = await session.run(feeds);
  return out[session.outputNames[0]!]!;
}

describe('tiny model activations', () => {
  it('stay realistic from vision through the language model into the transformer', async () => {
    const configs = model.manifest.configs;
    const visionConfig = readTextEncoderConfig(configs.text_encoder).vision;
    const textConfig = readTextEncoderConfig(configs.text_encoder);
    const grid = [1, 4, 4] as const;
    const random = new TensorRandom(11, 'activations');
    const pixels = random.normals(16 * 1176, 1);
    const embeds = (await run('vision', tensors(visionGraphFeeds(pixels, [grid], visionConfig))))
      .data as Float32Array;
    expectRealistic('vision image_embeds', embeds);

    const ids = [151644, 8948, 198, 151652, ...Array(4).fill(151655), 151653, 36192, 279, 8251, 151645, 198];
    const hidden = await run('text', tensors(textGraphFeeds([ids], [grid], embeds, textConfig, 2)));
    expect(hidden.dims).toEqual([1, ids.length, 64]);
    expectRealistic('text last_hidden_state', hidden.data as Float32Array);

    const txt = hidden.dims[1]!;
    const rope = qwenImageRopeTables({
      axesDims: [8, 12, 12],
      images: [
        [1, 2, 2],
        [1, 2, 2],
      ],
      textTokens: txt,
    });
    const pairs = rope.pairs;
    const latents = random.normals(8 * 64, 1);
    const sigma = Math.fround(0.7);
    const modulation = await (
      await model.session('modulation')
    ).run({ timestep: new ort.Tensor('float32', Float32Array.of(sigma), [1]) });
    const sample = await run('transformer', {
      hidden_states: new ort.Tensor('float32', latents, [1, 8, 64]),
      encoder_hidden_states: hidden,
      ...tensors(modulationFeeds(modulationTable([sigma], modulation), [sigma])),
      img_rope_cos: new ort.Tensor('float32', rope.imageCos, [8, pairs]),
      img_rope_sin: new ort.Tensor('float32', rope.imageSin, [8, pairs]),
      txt_rope_cos: new ort.Tensor('float32', rope.textCos, [txt, pairs]),
      txt_rope_sin: new ort.Tensor('float32', rope.textSin, [txt, pairs]),
    });
    expect(sample.dims).toEqual([1, 8, 64]);
    expectRealistic('transformer sample', sample.data as Float32Array);
  });

  it('stay realistic through the VAE encoder and decoder', async () => {
    const random = new TensorRandom(12, 'vae');
    // A smooth image in [−1, 1]: a gradient plus mild noise.
    const image = new Float32Array(3 * 32 * 32).map((_, i) =>
      Math.max(-1, Math.min(1, ((i % 32) / 16 - 1) * 0.8 + 0.1 * random.normal())),
    );
    const mean = await run('vae_encoder', { image: new ort.Tensor('float32', image, [1, 3, 32, 32]) });
    expect(mean.dims).toEqual([1, 16, 4, 4]);
    expectRealistic('vae latent_mean', mean.data as Float32Array);
    const decoded = await run('vae_decoder', { latents: mean });
    expect(decoded.dims).toEqual([1, 3, 32, 32]);
    const pixels = decoded.data as Float32Array;
    expectRealistic('vae decoded image', pixels);
    expect(pixels.filter((v) => Math.abs(v) >= 1).length / pixels.length).toBeLessThan(0.5);
  });
});
