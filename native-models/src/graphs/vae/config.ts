/** `vae/config.json` of `AutoencoderKLQwenImage`, with the keys upstream reads (defaults = class defaults). */
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

type Json = Record<string, unknown>;

const DEFAULT_MEAN = [
  -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632,
  -0.1922, -0.9497, 0.2503, -0.2921,
];
const DEFAULT_STD = [
  2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382,
  1.1253, 2.8251, 1.916,
];

function numbers(v: unknown, key: string, where: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    throw new Error(`${where}: '${key}' must be a list of numbers`);
  return v as number[];
}

/** Reads a VAE config; throws a clear error naming the field on values this builder does not support. */
export function parseVaeConfig(json: unknown, where = 'vae/config.json'): VaeConfig {
  if (typeof json !== 'object' || json === null) throw new Error(`${where}: not a JSON object`);
  const c = json as Json;
  const int = (key: string, fallback: number) => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new Error(`${where}: '${key}' must be a positive integer`);
    return v;
  };
  const attn = numbers(c.attn_scales ?? [], 'attn_scales', where);
  if (attn.length > 0)
    throw new Error(`${where}: unsupported attn_scales ${JSON.stringify(attn)} (only [] is supported)`);
  const dimMult = numbers(c.dim_mult ?? [1, 2, 4, 4], 'dim_mult', where);
  const td = c.temperal_downsample ?? [false, true, true];
  if (!Array.isArray(td) || td.length !== dimMult.length - 1 || td.some((b) => typeof b !== 'boolean')) {
    throw new Error(`${where}: 'temperal_downsample' must be ${dimMult.length - 1} booleans`);
  }
  const zDim = int('z_dim', 16);
  const latentsMean = numbers(c.latents_mean ?? DEFAULT_MEAN, 'latents_mean', where);
  const latentsStd = numbers(c.latents_std ?? DEFAULT_STD, 'latents_std', where);
  if (latentsMean.length !== zDim || latentsStd.length !== zDim) {
    throw new Error(`${where}: latents_mean/latents_std must have z_dim = ${zDim} entries`);
  }
  const act = c.non_linearity ?? 'silu';
  if (act !== 'silu') throw new Error(`${where}: unsupported non_linearity '${String(act)}'`);
  return {
    baseDim: int('base_dim', 96),
    zDim,
    dimMult,
    numResBlocks: int('num_res_blocks', 2),
    temperalDownsample: td as boolean[],
    inputChannels: int('input_channels', 3),
    latentsMean,
    latentsStd,
  };
}

/** Spatial down-scaling factor of the VAE (2 per down stage). */
export function vaeScaleFactor(config: VaeConfig): number {
  return 2 ** config.temperalDownsample.length;
}
