/**
 * `vae/config.json` of Qwen-Image(-Edit): `AutoencoderKLQwenImage` (the Wan-2.1 causal 3-D VAE), normalised
 * to what the VAE graphs and the pipeline read (defaults = class defaults).
 */
import { ConfigError, ConfigReader } from './reader';

export const VAE_CLASS = 'AutoencoderKLQwenImage';

/** Channel means of the Qwen-Image / Wan-2.1 latent space (`latents_mean`), whatever the VAE's size. */
export const LATENTS_MEAN: readonly number[] = [
  -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632,
  -0.1922, -0.9497, 0.2503, -0.2921,
];
/** Channel standard deviations (`latents_std`). */
export const LATENTS_STD: readonly number[] = [
  2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382,
  1.1253, 2.8251, 1.916,
];

export type VaeConfig = Readonly<{
  baseDim: number;
  zDim: number;
  dimMult: readonly number[];
  numResBlocks: number;
  temperalDownsample: readonly boolean[];
  inputChannels: number;
  latentsMean: readonly number[];
  latentsStd: readonly number[];
}>;

/** Checks `vae/config.json`; throws naming the file and field on anything unsupported. */
export function readVaeConfig(json: unknown, file = 'vae/config.json'): VaeConfig {
  const c = ConfigReader.of(file, json);
  c.expect('_class_name', VAE_CLASS);
  c.oneOf('non_linearity', ['silu'], 'silu');
  const attn = c.json.attn_scales ?? [];
  if (!Array.isArray(attn) || attn.length > 0) {
    throw new ConfigError(
      file,
      `unsupported value ${JSON.stringify(attn)} for 'attn_scales' (supported: [])`,
    );
  }
  const zDim = c.oneOf('z_dim', [16], 16);
  const dimMult = c.ints('dim_mult', [1, 2, 4, 4]);
  const td = c.json.temperal_downsample ?? [false, true, true];
  if (!Array.isArray(td) || td.length !== dimMult.length - 1 || td.some((b) => typeof b !== 'boolean')) {
    throw new ConfigError(
      file,
      `'temperal_downsample' must be ${dimMult.length - 1} booleans, got ${JSON.stringify(td)}`,
    );
  }
  const [latentsMean, latentsStd] = (['latents_mean', 'latents_std'] as const).map((key, i) => {
    const v = c.numbers(key, i === 0 ? LATENTS_MEAN : LATENTS_STD);
    if (v.length !== zDim) throw new ConfigError(file, `'${key}' must be ${zDim} numbers`);
    return v;
  });
  return {
    baseDim: c.int('base_dim', 96),
    zDim,
    dimMult,
    numResBlocks: c.int('num_res_blocks', 2),
    temperalDownsample: td as boolean[],
    inputChannels: c.int('input_channels', 3),
    latentsMean: latentsMean!,
    latentsStd: latentsStd!,
  };
}

/** Spatial down-scaling factor of the VAE (2 per down stage). */
export function vaeScaleFactor(config: VaeConfig): number {
  return 2 ** config.temperalDownsample.length;
}
