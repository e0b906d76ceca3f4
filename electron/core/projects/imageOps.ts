/**
 * Image work on sharp: the one check of an image the user opens, thumbnails, pixel diffs, exports.
 * Decoding is capped (MAX_IMAGE_PIXELS) so a hostile header cannot allocate gigabytes.
 */
import type sharpDefault from 'sharp';
import type { Metadata, Sharp } from 'sharp';

import { MAX_IMAGE_ASPECT, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, type ImageInfo } from '../../shared/contract';
import { CodedError } from '../../shared/result';
import { animatedFrames } from './animatedFrames';
import { ProjectError } from './errors';

export const THUMBNAIL_SIZE = 256;

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
  return (await loadSharp())(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' });
}

export function sniffFormat(bytes: Uint8Array): ImageInfo['format'] | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}

/**
 * Checks an image before anything else touches it — the one set of rules for every image the app takes in
 * (an opened file, a mask, a PNG read for its recipe): a supported format by its bytes (not its name),
 * dimensions read from the header and refused when huge (so a 30000×30000 header never allocates) or too
 * narrow for the edit model, then one full decode so a truncated file is caught here rather than mid-edit.
 * `name` starts the messages.
 */
export async function inspectImage(name: string, bytes: Uint8Array): Promise<ImageInfo> {
  if (bytes.length === 0) throw new CodedError('INVALID_IMAGE', `${name} is empty`);
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new CodedError(
      'IMAGE_TOO_LARGE',
      `${name} is ${(bytes.length / 2 ** 20).toFixed(0)} MB; the limit is ${MAX_IMAGE_BYTES / 2 ** 20} MB`,
    );
  }
  const format = sniffFormat(bytes);
  if (!format) throw new CodedError('INVALID_IMAGE', `${name} is not a PNG, JPEG or WebP image`);
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new CodedError(
      'INVALID_IMAGE',
      `${name} cannot be read as ${format.toUpperCase()}: ${firstLine(error)}`,
    );
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new CodedError('INVALID_IMAGE', `${name} has no dimensions`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new CodedError(
      'IMAGE_TOO_LARGE',
      `${name} is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP`,
    );
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > MAX_IMAGE_ASPECT) {
    throw new CodedError(
      'INVALID_IMAGE',
      `${name} is ${width}×${height}, an aspect ratio of ${Math.round(aspect)}:1; the edit model works on images up to ${MAX_IMAGE_ASPECT}:1`,
    );
  }
  try {
    // failOn 'warning' makes a truncated PNG or JPEG an error instead of a half-grey image.
    await (await open(bytes)).raw().toBuffer();
  } catch (error) {
    throw new CodedError('INVALID_IMAGE', `${name} is damaged or truncated: ${firstLine(error)}`);
  }
  const frames = animatedFrames(format, bytes, meta);
  return { width, height, format, bytes: bytes.length, ...(frames > 1 ? { animatedFrames: frames } : {}) };
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

/**
 * Resampling alone moves a channel by a few levels (Lanczos ringing at edges); a resampled comparison counts
 * only differences above this as changes.
 */
export const RESAMPLED_DIFF_THRESHOLD = 24;

/**
 * Compares two versions whatever their sizes (issue 13 §4): at the smaller one's size (fewer pixels), the
 * larger resampled to it (Lanczos, aspect ratio not kept: both show the same scene), ignoring differences
 * up to RESAMPLED_DIFF_THRESHOLD. Images of one size are compared exactly, as diffImages does.
 */
export async function diffAtSmallerSize(
  a: Uint8Array,
  b: Uint8Array,
  threshold = 0,
): Promise<PixelDiff & { resampled: boolean }> {
  const [x, y] = await Promise.all([open(a).then((i) => i.metadata()), open(b).then((i) => i.metadata())]);
  const size = (m: { width?: number; height?: number; orientation?: number }) => {
    const turned = (m.orientation ?? 1) >= 5; // EXIF 5–8 swap the sides once oriented
    return { width: (turned ? m.height : m.width) ?? 0, height: (turned ? m.width : m.height) ?? 0 };
  };
  const [sa, sb] = [size(x), size(y)];
  if (sa.width === sb.width && sa.height === sb.height)
    return { ...(await diffImages(a, b, threshold)), resampled: false };
  const aSmaller = sa.width * sa.height <= sb.width * sb.height;
  const target = aSmaller ? sa : sb;
  const resized = await (
    await open(aSmaller ? b : a)
  )
    .autoOrient()
    .resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' })
    .png()
    .toBuffer();
  const limit = Math.max(threshold, RESAMPLED_DIFF_THRESHOLD);
  const diff = aSmaller ? await diffImages(a, resized, limit) : await diffImages(resized, b, limit);
  return { ...diff, resampled: true };
}

export type ExportFormat = 'png' | 'jpeg' | 'webp';

/** Print options of an export: a scale factor (Lanczos), the DPI written in the file, an sRGB ICC profile. */
export type ExportLayout = Readonly<{ scale?: number; dpi?: number; srgbProfile?: boolean }>;

/** Re-encodes an image for export. JPEG has no alpha: transparent areas become white. */
export async function encodeForExport(
  bytes: Uint8Array,
  format: ExportFormat,
  quality = 92,
  layout: ExportLayout = {},
): Promise<Buffer> {
  let image = (await open(bytes)).autoOrient();
  if (layout.scale !== undefined && layout.scale !== 1) {
    const { autoOrient: upright } = await (await open(bytes)).metadata();
    const side = (v: number) => Math.max(1, Math.round(v * layout.scale!));
    image = image.resize(side(upright.width), side(upright.height), { fit: 'fill', kernel: 'lanczos3' });
  }
  if (layout.dpi !== undefined) image = image.withDensity(layout.dpi);
  if (layout.srgbProfile) image = image.withIccProfile('srgb');
  if (format === 'png') return image.png().toBuffer();
  if (format === 'jpeg')
    return image.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: true }).toBuffer();
  return image.webp({ quality }).toBuffer();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

/**
 * The part of an image inside `box` as a PNG, the box clipped to the image; a box that misses the image is
 * refused (BAD_REQUEST) rather than read as an empty picture.
 */
export async function cropImage(
  bytes: Uint8Array,
  box: Readonly<{ x: number; y: number; width: number; height: number }>,
): Promise<Uint8Array> {
  const image = await open(bytes);
  const { width = 0, height = 0 } = await image.metadata();
  const right = Math.min(width, box.x + box.width);
  const bottom = Math.min(height, box.y + box.height);
  if (box.x >= right || box.y >= bottom)
    throw new CodedError(
      'BAD_REQUEST',
      `The area ${box.width}×${box.height} at ${box.x},${box.y} lies outside the ${width}×${height} image`,
    );
  const area = { left: box.x, top: box.y, width: right - box.x, height: bottom - box.y };
  return new Uint8Array(await image.extract(area).png().toBuffer());
}
