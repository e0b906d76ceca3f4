/**
 * The latent layouts of the edit pipeline (spec §5.4, §6): 16-channel VAE latents `[16, h, w]` (one frame,
 * batch 1) and the transformer's packed tokens `[(h/2)·(w/2), 64]`, with 2×2 patches flattened
 * channel-major (`f = c·4 + dy·2 + dx`).
 */
import { LATENTS_MEAN, LATENTS_STD } from '../config/vae';

export const LATENT_CHANNELS = 16;

export type LatentGrid = Readonly<{ height: number; width: number }>;

/** The latent grid for an image of `width × height` pixels: `2·⌊H/16⌋ × 2·⌊W/16⌋` (spec §6). */
export function latentGrid(pixelWidth: number, pixelHeight: number): LatentGrid {
  return { height: 2 * Math.floor(pixelHeight / 16), width: 2 * Math.floor(pixelWidth / 16) };
}

const f = Math.fround;

/** `[16, h, w]` → `[(h/2)·(w/2), 64]`. */
export function packLatents(
  latents: Float32Array,
  grid: LatentGrid,
  channels = LATENT_CHANNELS,
): Float32Array {
  const { height: h, width: w } = grid;
  if (h % 2 || w % 2) throw new Error(`latent grid ${w}x${h} must be even to pack 2x2 patches`);
  if (latents.length !== channels * h * w)
    throw new Error(`expected ${channels * h * w} latent values, got ${latents.length}`);
  const features = channels * 4;
  const out = new Float32Array(latents.length);
  const halfW = w / 2;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const rowBase = (y >> 1) * halfW;
      const fBase = c * 4 + (y & 1) * 2;
      const src = (c * h + y) * w;
      for (let x = 0; x < w; x++) out[(rowBase + (x >> 1)) * features + fBase + (x & 1)] = latents[src + x]!;
    }
  }
  return out;
}

/** `[(h/2)·(w/2), 64]` → `[16, h, w]`; the exact inverse of `packLatents`. */
export function unpackLatents(
  tokens: Float32Array,
  grid: LatentGrid,
  channels = LATENT_CHANNELS,
): Float32Array {
  const { height: h, width: w } = grid;
  if (tokens.length !== channels * h * w)
    throw new Error(`expected ${channels * h * w} token values, got ${tokens.length}`);
  const features = channels * 4;
  const out = new Float32Array(tokens.length);
  const halfW = w / 2;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const rowBase = (y >> 1) * halfW;
      const fBase = c * 4 + (y & 1) * 2;
      const dst = (c * h + y) * w;
      for (let x = 0; x < w; x++) out[dst + x] = tokens[(rowBase + (x >> 1)) * features + fBase + (x & 1)]!;
    }
  }
  return out;
}

/** After VAE encoding: `(z − mean[c]) / std[c]` per channel, in place on `[16, h·w]`. */
export function normalizeLatents(
  latents: Float32Array,
  mean: readonly number[] = LATENTS_MEAN,
  std: readonly number[] = LATENTS_STD,
): Float32Array {
  const plane = latents.length / mean.length;
  for (let c = 0; c < mean.length; c++) {
    const m = f(mean[c]!);
    const s = f(std[c]!);
    for (let i = c * plane; i < (c + 1) * plane; i++) latents[i] = f(f(latents[i]! - m) / s);
  }
  return latents;
}

/** Before VAE decoding: `z·std[c] + mean[c]` per channel, in place on `[16, h·w]`. */
export function denormalizeLatents(
  latents: Float32Array,
  mean: readonly number[] = LATENTS_MEAN,
  std: readonly number[] = LATENTS_STD,
): Float32Array {
  const plane = latents.length / mean.length;
  for (let c = 0; c < mean.length; c++) {
    const m = f(mean[c]!);
    // diffusers divides by (1/std), computed in float32.
    const invStd = f(1 / f(std[c]!));
    for (let i = c * plane; i < (c + 1) * plane; i++) latents[i] = f(f(latents[i]! / invStd) + m);
  }
  return latents;
}
