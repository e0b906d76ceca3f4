/**
 * The converted Plus models' transformer as the pipeline drives it (RoPE for N latent images, zero_cond_t's
 * modulate index and σ = 0 modulation row) against the plain-loop reference of the upstream formulas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTransformerConfig } from '../config/transformer';
import type { TransformerConfig } from '../config/transformer';
import { refTransformer } from '../graphs/testing/transformer-reference';
import type { Weights } from '../graphs/testing/transformer-reference';
import { DEFAULT_TINY_SIZES, transformerConfig } from '../tiny/configs';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { ensureTinyModel } from '../tiny/tiny-model';
import { maxAbsDiff } from '../testing/compare';
import { seededRandom, uniformArray } from '../testing/seeded';
import type { EditModel } from './edit-model';
import { openEditModel } from './ort-edit-model';
import { checkpointTransformerWeights, plainModulateIndex, plainRope } from './testing/plus-reference';
import type { Shape } from './testing/plus-reference';

let weights: Weights;
const models: Partial<Record<'edit-2509' | 'edit-2511', EditModel>> = {};
beforeAll(async () => {
  // Same seed → same weights for every variant; only the configs differ.
  weights = await checkpointTransformerWeights(
    await ensureTinyCheckpoint(0, DEFAULT_TINY_SIZES, 'edit-2511'),
  );
  for (const variant of ['edit-2509', 'edit-2511'] as const) {
    const dir = await ensureTinyModel(0, variant);
    models[variant] = await openEditModel(dir, { provider: 'cpu', threads: 1, verify: 'size' });
  }
});
afterAll(async () => {
  for (const m of Object.values(models)) await m?.close();
});

// Output 3×4 packed tokens, then references of mixed aspects: 3×4 (the canvas), 4×2 (portrait), 2×5 (wide).
const SHAPES: Shape[] = [
  [1, 3, 4],
  [1, 3, 4],
  [1, 4, 2],
  [1, 2, 5],
];

function relativeMax(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  return maxAbsDiff(Float32Array.from(got), Float32Array.from(want)) / scale;
}

describe('Plus transformer on the converted tiny models', () => {
  for (const images of [1, 2, 3]) {
    it(`${images} reference image(s): 2509 and 2511 (zero_cond_t) match the plain-loop reference to 1e-4`, async () => {
      const shapes = SHAPES.slice(0, images + 1);
      const tokens = shapes.reduce((a, [f, h, w]) => a + f * h * w, 0);
      const textTokens = 6;
      const rng = seededRandom(100 + images);
      const hidden = uniformArray(tokens * 64, rng);
      const text = uniformArray(textTokens * 64, rng, 2);
      const sigma = Math.fround(0.71875);
      const outputs: Float32Array[] = [];
      for (const variant of ['edit-2509', 'edit-2511'] as const) {
        const model = models[variant]!;
        expect(model.info.variant).toBe(variant);
        const shape: TransformerConfig = readTransformerConfig(
          transformerConfig(DEFAULT_TINY_SIZES, variant),
        );
        await model.prepareTimesteps!([sigma]);
        const got = await model.transformer(hidden, text, textTokens, sigma, shapes);
        const want = refTransformer(weights, shape, {
          hidden,
          encoder: text,
          mask: new Array<number>(textTokens).fill(1),
          sigma,
          rope: plainRope(shape.axesDimsRope, shapes, textTokens),
          ...(shape.zeroCondT ? { modulateIndex: plainModulateIndex(shapes) } : {}),
        });
        expect(relativeMax(got, want), variant).toBeLessThanOrEqual(1e-4);
        outputs.push(got);
      }
      // zero_cond_t changes what the noise tokens see (the references are modulated with t = 0).
      expect(maxAbsDiff(outputs[0]!.subarray(0, 12 * 64), outputs[1]!.subarray(0, 12 * 64))).toBeGreaterThan(
        1e-3,
      );
    });
  }
});
