/**
 * Image work for projects, on sharp: validating an import, thumbnails, pixel diffs, exports.
 * Decoding is capped so a hostile header cannot allocate gigabytes.
 */
import type sharpDefault from 'sharp';
import type { Metadata, Sharp } from 'sharp';

import type { BlobExtension } from './blobStore';
import { ProjectError } from './errors';

/** Same cap as the app contract's MAX_IMAGE_PIXELS. */
export const MAX_PIXELS = 64_000_000;
export const THUMBNAIL_SIZE = 256;

const extensionOf: Record<string, BlobExtension> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tif',
  heif: 'avif',
};

export type ImageInfo = { ext: BlobExtension; width: number; height: number };

type SharpFactory = typeof sharpDefault;
let sharpModule: SharpFactory | undefined;
/**
 * sharp is loaded on first use: opening a project and saving versions need no image codec, and a process
 * that only does those (the kill-test child, a read-only viewer) starts faster without it.
 */
async function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= (await import('sharp')).default;
  return sharpModule;
}

async function open(bytes: Uint8Array): Promise<Sharp> {
  return (await loadSharp())(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'warning' });
}

/**
 * Checks that `bytes` is a whole, decodable raster image in a supported format (decoding it completely,
 * since a truncated file often has a valid header). Throws INVALID_IMAGE with the reason otherwise.
 */
export async function inspectImage(bytes: Uint8Array, what = 'The file'): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await (await open(bytes)).metadata();
  } catch (error) {
    throw new ProjectError('INVALID_IMAGE', `${what} is not a readable image (${firstLine(error)}).`, {
      cause: error,
    });
  }
  const ext = meta.format ? extensionOf[meta.format] : undefined;
  if (!ext)
    throw new ProjectError(
      'INVALID_IMAGE',
      `${what} is in an unsupported format (${meta.format ?? 'unknown'}).`,
    );
  try {
    await (await open(bytes)).raw().toBuffer();
  } catch (error) {
    throw new ProjectError('INVALID_IMAGE', `${what} is damaged or incomplete (${firstLine(error)}).`, {
      cause: error,
    });
  }
  const size = meta.autoOrient ?? meta;
  return { ext, width: size.width, height: size.height };
}

/** A WebP preview no larger than THUMBNAIL_SIZE on either side. */
export async function makeThumbnail(bytes: Uint8Array): Promise<Buffer> {
  return (await open(bytes))
    .autoOrient()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

export type PixelDiff = {
  /** Single-channel PNG, same size as the images: 255 where a pixel changed, 0 elsewhere. */
  maskPng: Buffer;
  changedPixels: number;
  totalPixels: number;
  /** changedPixels / totalPixels. */
  changedFraction: number;
  width: number;
  height: number;
};

async function rgba(bytes: Uint8Array) {
  const { data, info } = await (
    await open(bytes)
  )
    .autoOrient()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Compares two images pixel by pixel (RGBA after orientation). A pixel counts as changed when any channel
 * differs by more than `threshold` (0: any difference at all).
 */
export async function diffImages(a: Uint8Array, b: Uint8Array, threshold = 0): Promise<PixelDiff> {
  const [x, y] = await Promise.all([rgba(a), rgba(b)]);
  if (x.width !== y.width || x.height !== y.height) {
    throw new ProjectError(
      'SIZE_MISMATCH',
      `The versions have different sizes (${x.width}×${x.height} and ${y.width}×${y.height}).`,
    );
  }
  const total = x.width * x.height;
  const mask = Buffer.alloc(total);
  let changed = 0;
  for (let p = 0, i = 0; p < total; p++, i += 4) {
    if (
      Math.abs(x.data[i]! - y.data[i]!) > threshold ||
      Math.abs(x.data[i + 1]! - y.data[i + 1]!) > threshold ||
      Math.abs(x.data[i + 2]! - y.data[i + 2]!) > threshold ||
      Math.abs(x.data[i + 3]! - y.data[i + 3]!) > threshold
    ) {
      mask[p] = 255;
      changed++;
    }
  }
  const sharp = await loadSharp();
  const maskPng = await sharp(mask, { raw: { width: x.width, height: x.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  return {
    maskPng,
    changedPixels: changed,
    totalPixels: total,
    changedFraction: total ? changed / total : 0,
    width: x.width,
    height: x.height,
  };
}

export type ExportFormat = 'png' | 'jpeg' | 'webp';

/** Re-encodes an image for export. JPEG has no alpha: transparent areas become white. */
export async function encodeForExport(
  bytes: Uint8Array,
  format: ExportFormat,
  quality = 92,
): Promise<Buffer> {
  const image = (await open(bytes)).autoOrient();
  if (format === 'png') return image.png().toBuffer();
  if (format === 'jpeg')
    return image.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: true }).toBuffer();
  return image.webp({ quality }).toBuffer();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
