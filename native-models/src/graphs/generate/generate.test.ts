import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mropePositionIds } from '../text/position-ids';
import { argmax, referenceGreedy, referenceNextLogits } from '../testing/generator-reference';
import { TINY_TEXT_CONFIG, randomGeneratorWeights } from '../testing/tiny-text-encoder';
import { randomArray, seededRandom } from '../../testing/seeded';
import { maxAbsDiff } from '../../testing/compare';
import { runOnce } from '../../onnx/testing/runOnce';
import { generateTokens } from '../../pipeline/generation/generate';
import type { GenerateRequest, GeneratorStep } from '../../pipeline/generation/generate';
import { ortGeneratorStep } from '../../pipeline/generation/ort-step';
import { emptyKvCache, generatorFeeds } from './feeds';
import { buildGeneratorGraph } from './graph';
import type { GridThw } from '../vision/layout';

const config = TINY_TEXT_CONFIG;
const h = config.hiddenSize;
const IMG = config.imageTokenId;
const VS = config.visionStartTokenId;
const VE = 249;
const prefix = 'model.language_model.';

const random = randomGeneratorWeights(config, 33, 34);
const weights = random.source;

// A 2×3 merged image (grid 4×6) between text, and a text-only prompt.
const grid: GridThw = [1, 4, 6];
const imageEmbeds = randomArray(6 * h, seededRandom(35), 1);
const withImage = [3, 17, VS, ...Array<number>(6).fill(IMG), VE, 40, 41, 42];
const textOnly = [5, 60, 61, 62, 63];

let dir: string;
let untied: ort.InferenceSession;
let tied: ort.InferenceSession;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'generator-graph-'));
  const options = { executionProviders: ['cpu'], intraOpNumThreads: 1 };
  const a = await buildGeneratorGraph(config, weights, { tied: false }, join(dir, 'untied'));
  const b = await buildGeneratorGraph(config, weights, { tied: true }, join(dir, 'tied'));
  untied = await ort.InferenceSession.create(a.modelPath, options);
  tied = await ort.InferenceSession.create(b.modelPath, options);
});
afterAll(async () => {
  await untied?.release();
  await tied?.release();
  await rm(dir, { recursive: true, force: true });
});

/** A step that also records every run's logits. */
function recording(session: ort.InferenceSession): { step: GeneratorStep; logits: Float32Array[] } {
  const inner = ortGeneratorStep(session, config);
  const logits: Float32Array[] = [];
  return {
    logits,
    step: async (feeds) => {
      const out = await inner(feeds);
      logits.push(out.logits);
      return out;
    },
  };
}

const imageRequest = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  prompt: withImage,
  imageGrids: [grid],
  imageEmbeds,
  maxNewTokens: 32,
  stopTokens: [],
  ...extra,
});

describe('generator graph with a KV cache (tiny config, ORT CPU)', () => {
  it('greedy decoding equals the plain-loop reference for 32 tokens, with an image', async () => {
    const result = await generateTokens(ortGeneratorStep(untied, config), config, imageRequest());
    const expected = referenceGreedy(
      withImage,
      32,
      [grid],
      imageEmbeds,
      config,
      random.tensors,
      prefix,
      false,
    );
    expect(new Set(expected).size).toBeGreaterThan(4);
    expect(result.tokens).toEqual(expected);
    expect(result).toMatchObject({ reason: 'length', runs: 32 });
  });

  it('greedy decoding equals the plain-loop reference for 32 tokens, text only, tied lm_head', async () => {
    const request = { prompt: textOnly, maxNewTokens: 32, stopTokens: [] };
    const result = await generateTokens(ortGeneratorStep(tied, config), config, request);
    const expected = referenceGreedy(
      textOnly,
      32,
      [],
      new Float32Array(0),
      config,
      random.tensors,
      prefix,
      true,
    );
    expect(result.tokens).toEqual(expected);
  });

  it('decode with the cache equals full recomputation at every step (logits ≤ 1e-4)', async () => {
    const { step, logits } = recording(untied);
    const result = await generateTokens(step, config, imageRequest({ maxNewTokens: 12 }));
    expect(logits).toHaveLength(12);
    for (let i = 0; i < logits.length; i++) {
      const sequence = [...withImage, ...result.tokens.slice(0, i)];
      const positions = mropePositionIds([sequence], [grid], 2, config);
      const full = await ortGeneratorStep(
        untied,
        config,
      )(generatorFeeds(sequence, positions, imageEmbeds, emptyKvCache(config), config));
      const reference = referenceNextLogits(
        sequence,
        [grid],
        imageEmbeds,
        config,
        random.tensors,
        prefix,
        false,
      );
      const scale = Math.max(...reference.map(Math.abs));
      expect(maxAbsDiff(logits[i]!, full.logits) / scale).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(logits[i]!, reference) / scale).toBeLessThanOrEqual(1e-4);
      expect(argmax(logits[i]!)).toBe(result.tokens[i]);
    }
  });

  it('sampling with a seed is reproducible, and another seed gives another text', async () => {
    const sampling = { temperature: 1, topK: 50, topP: 0.95, seed: 7 };
    const run = (seed: number) =>
      generateTokens(
        ortGeneratorStep(untied, config),
        config,
        imageRequest({ sampling: { ...sampling, seed } }),
      );
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
  });

  it('cancel stops within one token: no graph run after the abort', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await generateTokens(
      ortGeneratorStep(untied, config),
      config,
      imageRequest({
        signal: controller.signal,
        onToken: (token, index) => {
          seen.push(token);
          if (index === 4) controller.abort();
        },
      }),
    );
    expect(result).toMatchObject({ reason: 'cancelled', runs: 5 });
    expect(result.tokens).toEqual(seen);
    expect(result.tokens).toHaveLength(5);
  });

  it('a stop token ends generation right after it is emitted', async () => {
    const greedy = await generateTokens(ortGeneratorStep(untied, config), config, imageRequest());
    const stop = greedy.tokens[5]!;
    const end = greedy.tokens.indexOf(stop) + 1;
    const stopped = await generateTokens(
      ortGeneratorStep(untied, config),
      config,
      imageRequest({ stopTokens: [stop] }),
    );
    expect(stopped).toMatchObject({ reason: 'stop', runs: end });
    expect(stopped.tokens).toEqual(greedy.tokens.slice(0, end));
  });

  it('int8/int4 graphs run on CPU with logits close to fp32; bf16 is well-typed with float32 I/O and cache', async () => {
    const feeds = generatorFeeds(
      withImage,
      mropePositionIds([withImage], [grid], 2, config),
      imageEmbeds,
      emptyKvCache(config),
      config,
    );
    const fp32 = (await ortGeneratorStep(untied, config)(feeds)).logits;
    for (const [precision, bound] of [
      ['int8', 0.02],
      ['int4', 0.25],
    ] as const) {
      const saved = await buildGeneratorGraph(
        config,
        weights,
        { tied: false, precision, blockSize: 32 },
        join(dir, precision),
      );
      const s = await ort.InferenceSession.create(saved.modelPath, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
      });
      const q = (await ortGeneratorStep(s, config)(feeds)).logits;
      await s.release();
      let num = 0;
      let den = 0;
      q.forEach((v, i) => {
        num += (v - fp32[i]!) ** 2;
        den += fp32[i]! ** 2;
      });
      const rel = Math.sqrt(num / den);
      expect(rel, precision).toBeGreaterThan(0);
      expect(rel, precision).toBeLessThan(bound);
    }
    const bf16 = await buildGeneratorGraph(
      config,
      weights,
      { tied: false, precision: 'bf16' },
      join(dir, 'bf16'),
    );
    expect(bf16.inputs.filter((i) => i.name.startsWith('past.')).map((i) => i.dtype)).toEqual(
      Array(2 * config.numLayers).fill('float32'),
    );
    expect(bf16.outputs.map((o) => o.dtype)).toEqual(Array(1 + 2 * config.numLayers).fill('float32'));
    // A well-typed bf16 graph fails only at the CPU EP's missing bf16 kernels (it runs on CUDA).
    await expect(runOnce(bf16.modelPath, {})).rejects.toThrow(/Could not find an implementation/);
  });
});
