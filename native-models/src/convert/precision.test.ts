/**
 * int8/int4 conversions of the tiny model run on CPU and stay close to the fp32 model: relative L2 error
 * of the transformer's velocity and of the language model's hidden states, same inputs. The language
 * model's int4 error is larger: its K = 64 rows give only two 32-blocks per output, and the tiny random
 * weights have no outliers for the scales to fit. QWEN_EDIT_PRINT_ERRORS=1 prints the measured errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextEncoderConfig } from '../config/text-encoder';
import { textGraphFeeds } from '../graphs/text/feeds';
import { qwenImageRopeTables } from '../graphs/transformer/rope';
import { modulationFeeds, modulationTable } from '../graphs/transformer/modulation-feeds';
import { openModel } from '../model-store/open-model';
import type { LoadedModel } from '../model-store/open-model';
import { ensureTinyModel } from '../tiny/tiny-model';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { TensorRandom } from '../tiny/prng';
import { relativeL2 } from '../testing/compare';
import { COMPONENTS } from './components';
import { convertCheckpoint, convertSettings } from './convert';

let out: string;
let fp32: LoadedModel;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'precision-test-'));
  fp32 = await openModel(await ensureTinyModel(0), { providers: ['cpu'], verify: 'size' });
});
afterAll(async () => {
  await fp32.release();
  await rm(out, { recursive: true, force: true });
});

function transformerFeeds(): Record<string, ort.Tensor> {
  const r = new TensorRandom(5, 'precision');
  const txt = 12;
  const rope = qwenImageRopeTables({
    axesDims: [8, 12, 12],
    images: [
      [1, 2, 2],
      [1, 2, 2],
    ],
    textTokens: txt,
  });
  return {
    hidden_states: new ort.Tensor('float32', r.normals(8 * 64, 1), [1, 8, 64]),
    encoder_hidden_states: new ort.Tensor('float32', r.normals(txt * 64, 1), [1, txt, 64]),
    img_rope_cos: new ort.Tensor('float32', rope.imageCos, [8, rope.pairs]),
    img_rope_sin: new ort.Tensor('float32', rope.imageSin, [8, rope.pairs]),
    txt_rope_cos: new ort.Tensor('float32', rope.textCos, [txt, rope.pairs]),
    txt_rope_sin: new ort.Tensor('float32', rope.textSin, [txt, rope.pairs]),
  };
}

function textFeeds(): Record<string, ort.Tensor> {
  const config = readTextEncoderConfig(fp32.manifest.configs.text_encoder);
  const ids = [151644, 8948, 198, 36192, 279, 8251, 3691, 264, 2518, 8896, 151645, 198];
  const feeds = textGraphFeeds([ids], [], new Float32Array(0), config, 2);
  return Object.fromEntries(
    Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.dtype, f.data, [...f.dims])]),
  );
}

/** The transformer's modulation inputs at σ = 0.7, from the model's own modulation graph. */
async function withModulation(model: LoadedModel, feeds: Record<string, ort.Tensor>) {
  const sigma = Math.fround(0.7);
  const session = await model.session('modulation');
  const table = modulationTable(
    [sigma],
    await session.run({ timestep: new ort.Tensor('float32', Float32Array.of(sigma), [1]) }),
  );
  const mod = Object.entries(modulationFeeds(table, [sigma])).map(([k, f]) => [
    k,
    new ort.Tensor('float32', f.data as Float32Array, [...f.dims]),
  ]);
  return { ...feeds, ...Object.fromEntries(mod) } as Record<string, ort.Tensor>;
}

async function output(
  model: LoadedModel,
  component: 'transformer' | 'text',
  feeds: Record<string, ort.Tensor>,
) {
  const session = await model.session(component);
  const all = component === 'transformer' ? await withModulation(model, feeds) : feeds;
  return (await session.run(all))[session.outputNames[0]!]!.data as Float32Array;
}

describe.each([
  ['int8', 0.01, 0.02],
  ['int4', 0.06, 0.25],
] as const)('%s weight-only conversion', (precision, transformerBound, textBound) => {
  it(`stays close to fp32 on CPU (transformer < ${transformerBound}, language model < ${textBound})`, async () => {
    const to = join(out, precision);
    const components = COMPONENTS.filter((c) => ['transformer', 'modulation', 'text'].includes(c.name));
    const manifest = await convertCheckpoint(await ensureTinyCheckpoint(0), to, {
      precision,
      blockSize: 32,
      components,
    });
    expect(manifest).toMatchObject({ precision, blockSize: 32, compute: 'float32' });
    const model = await openModel(to, { providers: ['cpu'] });
    try {
      const tf = transformerFeeds();
      const tfError = relativeL2(
        await output(model, 'transformer', tf),
        await output(fp32, 'transformer', tf),
      );
      const tx = textFeeds();
      const txError = relativeL2(await output(model, 'text', tx), await output(fp32, 'text', tx));
      expect(tfError).toBeGreaterThan(0);
      if (process.env.QWEN_EDIT_PRINT_ERRORS) console.log(precision, { transformer: tfError, text: txError });
      expect(tfError).toBeLessThan(transformerBound);
      expect(txError).toBeGreaterThan(0);
      expect(txError).toBeLessThan(textBound);
    } finally {
      await model.release();
    }
  });
});

describe('build settings per target', () => {
  it('CPU int builds compute in float32 (accuracy_level 4 in the graph); CUDA int builds in bfloat16 at block 64/128', () => {
    expect(convertSettings({ precision: 'int8' })).toEqual({ precision: 'int8', blockSize: 32 });
    expect(convertSettings({ precision: 'int4', target: 'cuda' })).toEqual({
      precision: 'int4',
      blockSize: 128,
      compute: 'bfloat16',
    });
    expect(convertSettings({ precision: 'int8', target: 'cuda' })).toMatchObject({
      blockSize: 64,
      compute: 'bfloat16',
    });
    expect(convertSettings({ precision: 'bf16' })).toEqual({ precision: 'bf16', blockSize: 32 });
    expect(() => convertSettings({ precision: 'int4', target: 'cuda', blockSize: 32 })).toThrow(
      /CUDA int4 builds take 64 or 128/,
    );
  });
});
