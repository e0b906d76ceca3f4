import * as ort from 'onnxruntime-node';
import type { TextConfig } from '../../config/text-encoder';
import { GENERATOR_IO } from '../../graphs/generate/graph';
import type { KvCache } from '../../graphs/generate/feeds';
import type { FeedSpec } from '../../graphs/vision/feeds';
import type { GeneratorStep } from './generate';

/** The generator graph's session as a {@link GeneratorStep}: feeds in, last-position logits and cache out. */
export function ortGeneratorStep(
  session: ort.InferenceSession,
  config: Pick<TextConfig, 'numLayers'>,
): GeneratorStep {
  return async (feeds) => {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.dtype, f.data, f.dims);
    const out = await session.run(tensors);
    const spec = (t: ort.Tensor): FeedSpec => ({
      dtype: 'float32',
      data: t.data as Float32Array,
      dims: t.dims,
    });
    const keys = [];
    const values = [];
    for (let l = 0; l < config.numLayers; l++) {
      keys.push(spec(out[GENERATOR_IO.presentKey(l)]!));
      values.push(spec(out[GENERATOR_IO.presentValue(l)]!));
    }
    const cache: KvCache = { keys, values, length: keys[0]!.dims[2]! };
    return { logits: out[GENERATOR_IO.logits]!.data as Float32Array, cache };
  };
}
