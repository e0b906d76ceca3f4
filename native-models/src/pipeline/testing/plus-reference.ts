/**
 * Plain-loop references of the Plus pipeline's host-side formulas, written from diffusers'
 * `QwenEmbedRope` / `QwenImageTransformer2DModel` (zero_cond_t) and `QwenImageEditPlusPipeline` rather than
 * from the app's code, for the fidelity tests: RoPE angles for N latent images, the modulate index, and the
 * tiny checkpoint's transformer weights as float32.
 */
import { join } from 'node:path';
import { openWeightsInFolder } from '../../safetensors/sharded';
import type { Weights } from '../../graphs/testing/transformer-reference';
import type { RefRope } from '../../graphs/testing/transformer-reference';

/** `img_shapes` entry: (frames, latent height / 2, latent width / 2). */
export type Shape = readonly [number, number, number];

/**
 * cos/sin per token and rotation pair, `[frame pairs | height pairs | width pairs]`: image k's tokens sit at
 * frame k, rows and columns centred (−⌈n/2⌉ … ⌊n/2⌋−1); text token j at m + j on all axes, m the largest
 * ⌊h/2⌋ or ⌊w/2⌋ over every image.
 */
export function plainRope(
  axes: readonly [number, number, number],
  shapes: readonly Shape[],
  text: number,
): RefRope {
  const freqs = axes.map((d) => Array.from({ length: d / 2 }, (_, k) => Math.pow(10000, -(2 * k) / d)));
  const angles = (positions: readonly [number, number, number]) =>
    freqs.flatMap((f, axis) => f.map((w) => positions[axis]! * w));
  const image: number[][] = [];
  shapes.forEach(([frames, h, w], k) => {
    for (let f = 0; f < frames; f++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) image.push(angles([k + f, y - Math.ceil(h / 2), x - Math.ceil(w / 2)]));
  });
  const m = Math.max(...shapes.map(([, h, w]) => Math.max(Math.floor(h / 2), Math.floor(w / 2))));
  const txt = Array.from({ length: text }, (_, j) => angles([m + j, m + j, m + j]));
  return {
    imageCos: image.flat().map(Math.cos),
    imageSin: image.flat().map(Math.sin),
    textCos: txt.flat().map(Math.cos),
    textSin: txt.flat().map(Math.sin),
  };
}

/** zero_cond_t's index over the image stream: 0 for the first shape's (the noise's) tokens, 1 after. */
export function plainModulateIndex(shapes: readonly Shape[]): number[] {
  return shapes.flatMap(([f, h, w], k) => new Array<number>(f * h * w).fill(k === 0 ? 0 : 1));
}

/** Every transformer tensor of a checkpoint folder, widened to float32. */
export async function checkpointTransformerWeights(checkpoint: string): Promise<Weights> {
  const source = await openWeightsInFolder(join(checkpoint, 'transformer'));
  const out: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
  for (const name of source.names())
    out[name] = { shape: source.info(name).shape, data: await source.readF32(name) };
  return out;
}

/** Python's `round` (half to even), as `calculate_dimensions` uses it. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Upstream `calculate_dimensions(area, ratio)`: (width, height), multiples of 32. */
export function plainDimensions(area: number, ratio: number): [number, number] {
  const w = Math.sqrt(area * ratio);
  const h = w / ratio;
  return [pyRound(w / 32) * 32, pyRound(h / 32) * 32];
}

/** `_pack_latents`: `[C, H, W]` → tokens of 2×2 patches, each `[C, dy, dx]`. */
export function plainPack(latents: ArrayLike<number>, channels: number, h: number, w: number): Float64Array {
  const out = new Float64Array(channels * h * w);
  let i = 0;
  for (let py = 0; py < h / 2; py++)
    for (let px = 0; px < w / 2; px++)
      for (let c = 0; c < channels; c++)
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++) out[i++] = latents[(c * h + 2 * py + dy) * w + 2 * px + dx]!;
  return out;
}

/**
 * The flow-matching sigmas of the released scheduler config (dynamic exponential shift with mu from the noise
 * tokens, terminal stretch), in float64, N + 1 values ending in 0.
 */
export function plainSigmas(
  steps: number,
  noiseTokens: number,
  c: Readonly<{
    base_shift: number;
    max_shift: number;
    base_image_seq_len: number;
    max_image_seq_len: number;
    shift_terminal: number | null;
  }>,
): number[] {
  const slope = (c.max_shift - c.base_shift) / (c.max_image_seq_len - c.base_image_seq_len);
  const mu = noiseTokens * slope + (c.base_shift - slope * c.base_image_seq_len);
  let s = Array.from({ length: steps }, (_, i) =>
    steps === 1 ? 1 : 1 + (i * (1 / steps - 1)) / (steps - 1),
  );
  s = s.map((v) => Math.exp(mu) / (Math.exp(mu) + (1 / v - 1)));
  if (c.shift_terminal) {
    const k = (1 - s[steps - 1]!) / (1 - c.shift_terminal);
    s = s.map((v) => 1 - (1 - v) / k);
  }
  return [...s, 0];
}

/** True CFG with the per-token norm rescale: `g = u + s(c − u)`, then `g·‖c‖/‖g‖` over each token's values. */
export function plainTrueCfg(
  c: ArrayLike<number>,
  u: ArrayLike<number>,
  scale: number,
  width: number,
): Float64Array {
  const out = new Float64Array(c.length);
  for (let t = 0; t < c.length / width; t++) {
    let nc = 0;
    let ng = 0;
    for (let i = t * width; i < (t + 1) * width; i++) {
      out[i] = u[i]! + scale * (c[i]! - u[i]!);
      nc += c[i]! ** 2;
      ng += out[i]! ** 2;
    }
    const r = Math.sqrt(nc) / Math.sqrt(ng);
    for (let i = t * width; i < (t + 1) * width; i++) out[i] = out[i]! * r;
  }
  return out;
}
