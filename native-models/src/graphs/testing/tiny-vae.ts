import { memoryWeightSource } from '../../weights';
import type { WeightSource } from '../../weights';
import { randomArray, seededRandom } from '../../testing/seeded';
import { vaeTensors } from '../../config/vae-tensors';
import type { VaeConfig } from '../../config/vae';
import { readVaeConfig } from '../../config/vae';

/** The tiny VAE config of spec/checkpoint-names.md (base_dim 16, z_dim 16), as `vae/config.json` would hold it. */
export const TINY_VAE_CONFIG_JSON = {
  _class_name: 'AutoencoderKLQwenImage',
  base_dim: 16,
  z_dim: 16,
  dim_mult: [1, 2, 4, 4],
  num_res_blocks: 2,
  attn_scales: [],
  temperal_downsample: [false, true, true],
  dropout: 0.0,
} as const;

export const TINY_VAE_CONFIG: VaeConfig = readVaeConfig(TINY_VAE_CONFIG_JSON);

export type RandomWeights = {
  source: WeightSource;
  tensors: Map<string, { shape: readonly number[]; data: Float32Array }>;
};

/**
 * Seeded random VAE weights for every checkpoint tensor, scaled so activations stay O(1) through the network:
 * conv weights ~ N(0, 1/fan_in of one temporal slice), γ ≈ 1, small biases.
 */
export function randomVaeWeights(config: VaeConfig, seed: number): RandomWeights {
  const rng = seededRandom(seed);
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const { name, shape } of vaeTensors(config)) {
    const n = shape.reduce((a, d) => a * d, 1);
    let data: Float32Array;
    if (name.endsWith('.gamma')) data = randomArray(n, rng, 0.1, 1);
    else if (name.endsWith('.bias')) data = randomArray(n, rng, 0.05);
    else {
      const fanIn = shape[1]! * (shape[shape.length - 1]! * shape[shape.length - 2]!);
      data = randomArray(n, rng, 1 / Math.sqrt(fanIn));
    }
    tensors.set(name, { shape, data });
  }
  return { source: memoryWeightSource(Object.fromEntries(tensors)), tensors };
}
