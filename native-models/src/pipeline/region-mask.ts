/**
 * Region-locked edits (design.md §5): the model's output is composited back into the input inside a
 * mask, with a feathered edge that lies entirely inside the mask, so every pixel outside it keeps the
 * input's exact bytes.
 */
import sharp from 'sharp';
import type { Region } from './edit-vocabulary';
import { DEFAULT_MAX_INPUT_PIXELS, type RgbImage } from './load-image';
import { resizeLikePil } from './pil-resample';

export type { Region } from './edit-vocabulary';

/** Per-pixel edit weight in [0, 1] at the input's size. */
export type Alpha = Readonly<{ width: number; height: number; alpha: Float32Array }>;

/** The region as a hard 0/1 (box) or graded (mask image) coverage at `width × height`. */
export async function regionCoverage(region: Region, width: number, height: number): Promise<Alpha> {
  const alpha = new Float32Array(width * height);
  if (region.kind === 'box') {
    const x0 = Math.max(0, Math.floor(region.x));
    const y0 = Math.max(0, Math.floor(region.y));
    const x1 = Math.min(width, Math.ceil(region.x + region.width));
    const y1 = Math.min(height, Math.ceil(region.y + region.height));
    for (let y = y0; y < y1; y++) alpha.fill(1, y * width + x0, y * width + Math.max(x0, x1));
    return { width, height, alpha };
  }
  let data: Buffer;
  try {
    data = await sharp(region.image, { limitInputPixels: DEFAULT_MAX_INPUT_PIXELS })
      .autoOrient()
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .greyscale()
      .resize(width, height, { fit: 'fill', kernel: 'nearest' })
      .extractChannel(0)
      .raw()
      .toBuffer();
  } catch (error) {
    throw new Error(`cannot read the mask image: ${(error as Error).message}`);
  }
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[i]! / 255;
  return { width, height, alpha };
}

/**
 * Multiplies coverage by a ramp that rises from 0 at the mask's edge to 1 at `feather` pixels inside it
 * (city-block/diagonal chamfer distance to the nearest uncovered pixel, smoothstep shaped). Pixels with
 * coverage 0 stay exactly 0.
 */
export function featherAlpha(coverage: Alpha, feather: number): Alpha {
  const { width: w, height: h } = coverage;
  if (feather <= 0) return coverage;
  const inf = 1e9;
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = coverage.alpha[i]! > 0 ? inf : 0;
  const diag = Math.SQRT2;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? inf : d[y * w + x]!);
  // The image border counts as inside, so a mask touching the border is not feathered there.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      d[i] = Math.min(
        d[i]!,
        at(x - 1, y) + 1,
        at(x, y - 1) + 1,
        at(x - 1, y - 1) + diag,
        at(x + 1, y - 1) + diag,
      );
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      d[i] = Math.min(
        d[i]!,
        at(x + 1, y) + 1,
        at(x, y + 1) + 1,
        at(x + 1, y + 1) + diag,
        at(x - 1, y + 1) + diag,
      );
    }
  }
  const alpha = new Float32Array(w * h);
  for (let i = 0; i < alpha.length; i++) {
    const t = Math.min(1, d[i]! / feather);
    alpha[i] = coverage.alpha[i]! * t * t * (3 - 2 * t);
  }
  return { width: w, height: h, alpha };
}

/**
 * Composites `edited` (resized to the input's size with Pillow's Lanczos if needed) into `input` by `alpha`.
 * Where alpha is 0 the input's bytes are copied; where it is 1 the edited bytes.
 */
export async function compositeRegion(input: RgbImage, edited: RgbImage, alpha: Alpha): Promise<RgbImage> {
  if (alpha.width !== input.width || alpha.height !== input.height)
    throw new Error('mask size differs from the input');
  const model = resizeLikePil(edited, input.width, input.height, 'lanczos');
  const out = new Uint8Array(input.rgb.length);
  for (let i = 0; i < alpha.alpha.length; i++) {
    const a = alpha.alpha[i]!;
    for (let c = 0; c < 3; c++) {
      const k = i * 3 + c;
      out[k] =
        a <= 0
          ? input.rgb[k]!
          : a >= 1
            ? model.rgb[k]!
            : Math.round(input.rgb[k]! * (1 - a) + model.rgb[k]! * a);
    }
  }
  return { width: input.width, height: input.height, rgb: out };
}
