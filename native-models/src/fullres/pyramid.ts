/**
 * Grey float images for registration: luminance of RGB8 and 2× box downsampling. A downsampled pixel `j`
 * averages source pixels `2j` and `2j+1`, so its centre is at `2j + ½` — the pixel-centre convention of
 * `working-map.ts` holds at every level (`p_level = (p + ½)/2ᵏ − ½`).
 */
import type { RgbImage } from '../pipeline/load-image';

export type GreyImage = Readonly<{ width: number; height: number; data: Float32Array }>;

/** Rec. 601 luma in 0..255 (what the eye and JPEG weigh; exact weights do not matter for registration). */
export function luminance(image: RgbImage): GreyImage {
  const { width, height, rgb } = image;
  const data = new Float32Array(width * height);
  for (let i = 0, k = 0; i < data.length; i++, k += 3)
    data[i] = 0.299 * rgb[k]! + 0.587 * rgb[k + 1]! + 0.114 * rgb[k + 2]!;
  return { width, height, data };
}

/** Halves each side (floor), averaging 2×2 blocks; a trailing odd row/column is dropped. */
export function halve(image: GreyImage): GreyImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const src = image.data;
  const w0 = image.width;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const r0 = 2 * y * w0;
    const r1 = r0 + w0;
    for (let x = 0; x < width; x++) {
      const a = r0 + 2 * x;
      const b = r1 + 2 * x;
      data[y * width + x] = 0.25 * (src[a]! + src[a + 1]! + src[b]! + src[b + 1]!);
    }
  }
  return { width, height, data };
}

/** Levels from full size down, halving while the smaller side stays at least `minSide`. */
export function pyramid(image: GreyImage, minSide = 64): GreyImage[] {
  const levels = [image];
  for (;;) {
    const last = levels.at(-1)!;
    if (Math.min(last.width, last.height) < 2 * minSide) return levels;
    levels.push(halve(last));
  }
}
