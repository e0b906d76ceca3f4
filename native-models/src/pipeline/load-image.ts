/**
 * Reading the user's image with sharp into 8-bit sRGB, refusing what cannot or should not be decoded
 * before decoding it: the header is read first, so a 20000×20000 PNG is refused without allocating it.
 */
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { EditError } from './edit-error';

/** An image as interleaved 8-bit RGB. */
export type RgbImage = Readonly<{ width: number; height: number; rgb: Uint8Array }>;

/** A problem with the input image that the user can fix; the message says what to do. */
export class ImageInputError extends EditError {
  override name = 'ImageInputError';
  readonly code = 'invalid-image';
}

export type LoadImageOptions = Readonly<{
  /** Largest accepted input in pixels (after orientation). Default 64 MP, the app's cap for any image. */
  maxInputPixels?: number;
}>;

export const DEFAULT_MAX_INPUT_PIXELS = 64_000_000;

/**
 * Decodes `input` (a path or the file's bytes) to sRGB8: EXIF orientation applied, 16-bit reduced to 8,
 * CMYK/grey/palette converted, and alpha composited on white — as transformers' `convert_to_rgb` does for
 * the Qwen2-VL processor (diffusers' `load_image` would drop alpha instead; white is the defined choice).
 */
export async function loadRgbImage(
  input: string | Uint8Array,
  options: LoadImageOptions = {},
): Promise<RgbImage> {
  const maxPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageInputError(`cannot read the image: ${(error as Error).message}`);
  }
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) throw new ImageInputError('cannot read the image: it has no dimensions');
  if (width * height > maxPixels) {
    throw new ImageInputError(
      `the image is ${width}x${height} (${((width * height) / 1e6).toFixed(0)} MP), more than the ` +
        `${(maxPixels / 1e6).toFixed(0)} MP this app decodes; scale it down first (it is edited at about 1 MP anyway)`,
    );
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
      .autoOrient()
      .toColourspace('srgb')
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (error) {
    throw new ImageInputError(`cannot decode the image: ${(error as Error).message}`);
  }
}

/** Encodes RGB8 (or RGBA8 with `channels` 4) as PNG. */
export async function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4 = 3,
): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}
