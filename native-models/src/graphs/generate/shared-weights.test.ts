import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mropePositionIds } from '../text/position-ids';
import { buildTextGraph } from '../text/graph';
import { TINY_TEXT_CONFIG, randomGeneratorWeights } from '../testing/tiny-text-encoder';
import { randomArray, seededRandom } from '../../testing/seeded';
import { generateTokens } from '../../pipeline/generation/generate';
import { ortGeneratorStep } from '../../pipeline/generation/ort-step';
import { emptyKvCache, generatorFeeds } from './feeds';
import { SHARED_GENERATOR_FILE, buildGeneratorGraph } from './graph';
import type { GridThw } from '../vision/layout';

const config = TINY_TEXT_CONFIG;
const h = config.hiddenSize;
const weights = randomGeneratorWeights(config, 51, 52).source;
const grid: GridThw = [1, 4, 6];
const imageEmbeds = randomArray(6 * h, seededRandom(53), 1);
const prompt = [3, 17, config.visionStartTokenId, ...Array<number>(6).fill(config.imageTokenId), 249, 40];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'generator-shared-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (path: string) =>
  ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1 });

describe('generator reading the text graph’s weights (one data file for both)', () => {
  for (const precision of ['fp32', 'int8'] as const) {
    it(`${precision}: stores only lm_head itself, and decodes exactly as a generator with its own copy`, async () => {
      const options = { tied: false, precision, blockSize: 32 } as const;
      const textDir = join(dir, precision, 'text');
      const text = await buildTextGraph(config, weights, options, textDir);
      const shared = await buildGeneratorGraph(config, weights, { ...options, shareWith: text }, textDir);
      const own = await buildGeneratorGraph(config, weights, options, join(dir, precision, 'own'));

      expect(basename(shared.modelPath)).toBe(SHARED_GENERATOR_FILE);
      const ownData = new Set(
        own.placements.filter((p) => !p.name.startsWith('lm_head.')).map((p) => p.name),
      );
      const fromText = shared.placements.filter((p) => p.location === basename(text.dataPath));
      expect(new Set(fromText.map((p) => p.name))).toEqual(ownData);
      expect(
        shared.placements.filter((p) => p.location === basename(shared.dataPath)).map((p) => p.name),
      ).toEqual(own.placements.filter((p) => p.name.startsWith('lm_head.')).map((p) => p.name));
      const lmHeadBytes = own.placements
        .filter((p) => p.name.startsWith('lm_head.'))
        .reduce((a, p) => a + p.length, 0);
      expect(shared.payloadBytes).toBe(lmHeadBytes);
      expect((await stat(shared.dataPath)).size).toBeLessThan((await stat(own.dataPath)).size);

      const [a, b] = [await open(shared.modelPath), await open(own.modelPath)];
      try {
        const feeds = generatorFeeds(
          prompt,
          mropePositionIds([prompt], [grid], 2, config),
          imageEmbeds,
          emptyKvCache(config),
          config,
        );
        const [outA, outB] = [
          await ortGeneratorStep(a, config)(feeds),
          await ortGeneratorStep(b, config)(feeds),
        ];
        expect(outA.logits).toEqual(outB.logits);
        outA.cache.keys.forEach((k, l) =>
          expect(k.data, `layer ${l} keys`).toEqual(outB.cache.keys[l]!.data),
        );
        const request = { prompt, imageGrids: [grid], imageEmbeds, maxNewTokens: 16, stopTokens: [] };
        const tokensA = await generateTokens(ortGeneratorStep(a, config), config, request);
        const tokensB = await generateTokens(ortGeneratorStep(b, config), config, request);
        expect(tokensA.tokens).toEqual(tokensB.tokens);
      } finally {
        await a.release();
        await b.release();
      }
    });
  }

  it('refuses a text graph saved in another folder, before writing anything', async () => {
    const text = await buildTextGraph(config, weights, {}, join(dir, 'elsewhere', 'text'));
    await expect(
      buildGeneratorGraph(config, weights, { tied: false, shareWith: text }, join(dir, 'elsewhere', 'gen')),
    ).rejects.toThrow(/is not in/);
  });
});
