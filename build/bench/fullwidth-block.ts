/**
 * One transformer block of the released width (24 heads × 128 = 3072, joint_attention_dim 3584) with
 * random weights, and the feeds of one forward at a given sequence: shared by the `fullwidth` bench and the
 * device check (build/device), so both time the same graph on the same inputs.
 */
import * as ort from 'onnxruntime-node';
import { readTransformerConfig } from '../../native-models/src/config/transformer';
import type { TransformerConfig } from '../../native-models/src/config/transformer';
import { randomTransformerWeights } from '../../native-models/src/graphs/testing/transformer-reference';
import {
  MODULATION_IO,
  modulationGraph,
  qwenImageRopeTables,
} from '../../native-models/src/graphs/transformer';
import {
  modulationFeeds,
  modulationTable,
} from '../../native-models/src/graphs/transformer/modulation-feeds';
import { seededRandom, uniformArray } from '../../native-models/src/testing/seeded';
import { memoryWeightSource } from '../../native-models/src/weights';
import type { WeightSource } from '../../native-models/src/weights';

/** The released transformer config with `layers` blocks. */
export const fullWidthConfig = (layers: number): TransformerConfig =>
  readTransformerConfig({ _class_name: 'QwenImageTransformer2DModel', num_layers: layers });

/** One full-width block's random weights (~1.4 GB of fp32). */
export const fullWidthBlockWeights = (shape = fullWidthConfig(1), seed = 5): WeightSource =>
  memoryWeightSource(randomTransformerWeights(shape, seed));

/** Image tokens of an edit at a square output side: the target and the reference latent, 16 px a token. */
export const imageTokensAt = (side: number): number => 2 * (side / 16) ** 2;

/**
 * FLOPs of one block forward: the linears (attention q/k/v/out and the 4× MLP, both streams: 24·T·D²
 * multiply-adds) plus the attention products (2·T²·D multiply-adds).
 */
export const blockFlops = (tokens: number, width: number): number =>
  2 * tokens * 24 * width * width + 4 * tokens * tokens * width;

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

/**
 * Every input either transformer graph variant may take (masked or not, modulation inside or as inputs),
 * at timestep 0.6; the modulation inputs come from running the modulation graph on the CPU.
 */
export async function fullWidthBlockFeeds(
  shape: TransformerConfig,
  src: WeightSource,
  imageTokens: number,
  textTokens: number,
  modulationModelPath: (graph: ReturnType<typeof modulationGraph>) => Promise<string>,
): Promise<{ feeds: Record<string, ort.Tensor>; modulationSeconds: number }> {
  const rng = seededRandom(3);
  const side = Math.sqrt(imageTokens / 2);
  if (!Number.isInteger(side)) throw new Error(`image tokens must be two square grids, got ${imageTokens}`);
  const rope = qwenImageRopeTables({
    images: [
      [1, side, side],
      [1, side, side],
    ],
    textTokens,
  });
  const sigma = Math.fround(0.6);
  const feeds: Record<string, ort.Tensor> = {
    hidden_states: f32(uniformArray(imageTokens * 64, rng), [1, imageTokens, 64]),
    encoder_hidden_states: f32(uniformArray(textTokens * shape.jointAttentionDim, rng, 2), [
      1,
      textTokens,
      shape.jointAttentionDim,
    ]),
    encoder_hidden_states_mask: f32(new Float32Array(textTokens).fill(1), [1, textTokens]),
    timestep: f32(Float32Array.of(sigma), [1]),
    img_rope_cos: f32(rope.imageCos, [imageTokens, rope.pairs]),
    img_rope_sin: f32(rope.imageSin, [imageTokens, rope.pairs]),
    txt_rope_cos: f32(rope.textCos, [textTokens, rope.pairs]),
    txt_rope_sin: f32(rope.textSin, [textTokens, rope.pairs]),
  };
  const path = await modulationModelPath(modulationGraph(shape, src, { precision: 'fp32' }));
  const mod = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
  const t = performance.now();
  const out = await mod.run({ [MODULATION_IO.timestep]: f32(Float32Array.of(sigma), [1]) });
  const modulationSeconds = (performance.now() - t) / 1000;
  await mod.release();
  for (const [k, f] of Object.entries(modulationFeeds(modulationTable([sigma], out), [sigma])))
    feeds[k] = f32(f.data as Float32Array, [...f.dims]);
  return { feeds, modulationSeconds };
}
