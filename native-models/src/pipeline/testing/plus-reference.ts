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
