/**
 * The Qwen2-VL image processor (spec §3.3, §4.1): smart-resize, CLIP normalisation and the patch layout
 * `[grid_t·grid_h·grid_w, 3·2·14·14]` with 2×2 merge blocks in raster order.
 */
import { DEFAULT_IMAGE_PROCESSOR } from './edit-vocabulary';
import type { ImageProcessorPath } from './edit-vocabulary';
import { smartResize } from './image-size';
import type { RgbImage } from './load-image';
import { resizeLikePil } from './pil-resample';
import { resizeLikeTorchvision } from './torchvision-resample';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export type VisionInput = Readonly<{
  /** `[patches, channels·temporal·patch·patch]` float32. */
  pixelValues: Float32Array;
  patches: number;
  /** `[grid_t, grid_h, grid_w]` in 14-px patches. */
  gridThw: readonly [number, number, number];
  /** Image tokens after the 2×2 merge: `grid_t·grid_h·grid_w / 4`. */
  mergedTokens: number;
}>;

export type VisionPatchLayout = Readonly<{ patchSize: number; temporalPatchSize: number; mergeSize: number }>;
export const QWEN2_VL_LAYOUT: VisionPatchLayout = { patchSize: 14, temporalPatchSize: 2, mergeSize: 2 };

/**
 * Resizes and patchifies the already working-size image for the vision encoder, as transformers' slow
 * Qwen2-VL processor (Pillow bicubic) or its fast one (torchvision bicubic with antialias on uint8) does.
 */
export function visionInput(
  image: RgbImage,
  layout: VisionPatchLayout = QWEN2_VL_LAYOUT,
  processor: ImageProcessorPath = DEFAULT_IMAGE_PROCESSOR,
): VisionInput {
  const factor = layout.patchSize * layout.mergeSize;
  const size = smartResize(image.height, image.width, {
    factor,
    minPixels: 56 * 56,
    maxPixels: 28 * 28 * 16384,
  });
  const resized =
    processor === 'fast'
      ? resizeLikeTorchvision(image, size.width, size.height)
      : resizeLikePil(image, size.width, size.height, 'bicubic');
  return patchify(resized, layout, processor);
}

const f = Math.fround;

/**
 * One byte's normalised value per channel. The slow processor rescales (float64 multiply, then float32) and
 * then normalises in float32; the fast one fuses both into `(x − mean·255) / (std·255)` in float32, with
 * mean and std first made float32 tensors and multiplied by 255 in float32.
 */
function normalizer(processor: ImageProcessorPath): (byte: number, c: number) => number {
  const mean = CLIP_MEAN.map(f);
  const std = CLIP_STD.map(f);
  if (processor === 'slow') return (byte, c) => f(f(f(byte * (1 / 255)) - mean[c]!) / std[c]!);
  const mean255 = mean.map((m) => f(m * 255));
  const std255 = std.map((s) => f(s * 255));
  return (byte, c) => f(f(byte - mean255[c]!) / std255[c]!);
}

/** Normalises and lays out an image whose sides are multiples of `patchSize·mergeSize`. */
export function patchify(
  image: RgbImage,
  layout: VisionPatchLayout = QWEN2_VL_LAYOUT,
  processor: ImageProcessorPath = 'slow',
): VisionInput {
  const { patchSize: p, temporalPatchSize: tp, mergeSize: m } = layout;
  const gridH = image.height / p;
  const gridW = image.width / p;
  if (!Number.isInteger(gridH / m) || !Number.isInteger(gridW / m)) {
    throw new Error(`vision input ${image.width}x${image.height} is not a multiple of ${p * m}`);
  }
  const rowLength = 3 * tp * p * p;
  const patches = gridH * gridW;
  const out = new Float32Array(patches * rowLength);
  const normalize = normalizer(processor);
  const norm = new Float32Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) norm[i * 3 + c] = normalize(image.rgb[i * 3 + c]!, c);
  }
  let index = 0;
  for (let bh = 0; bh < gridH / m; bh++) {
    for (let bw = 0; bw < gridW / m; bw++) {
      for (let mh = 0; mh < m; mh++) {
        for (let mw = 0; mw < m; mw++) {
          const row = bh * m + mh;
          const col = bw * m + mw;
          let k = index * rowLength;
          for (let c = 0; c < 3; c++) {
            for (let t = 0; t < tp; t++) {
              // A still image fills the temporal patch with copies of itself.
              for (let py = 0; py < p; py++) {
                const src = ((row * p + py) * image.width + col * p) * 3 + c;
                for (let px = 0; px < p; px++) out[k++] = norm[src + px * 3]!;
              }
            }
          }
          index++;
        }
      }
    }
  }
  return { pixelValues: out, patches, gridThw: [1, gridH, gridW], mergedTokens: patches / (m * m) };
}
