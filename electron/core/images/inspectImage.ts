/**
 * Checks an image the user opened before anything else touches it: a supported format by its bytes (not its
 * name), dimensions read from the header and refused when huge (so a 30000×30000 header never allocates),
 * then one full decode so a truncated file is caught here rather than mid-edit.
 */
import sharp, { type Metadata } from 'sharp';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, type ImageInfo } from '../../shared/contract';
import { CodedError } from '../../shared/result';

type Format = ImageInfo['format'];

export function sniffFormat(bytes: Uint8Array): Format | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}

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
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new CodedError(
      'INVALID_IMAGE',
      `${name} cannot be read as ${format.toUpperCase()}: ${reason(error)}`,
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
  try {
    // failOn 'warning' makes a truncated PNG or JPEG an error instead of a half-grey image.
    await sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS }).raw().toBuffer();
  } catch (error) {
    throw new CodedError('INVALID_IMAGE', `${name} is damaged or truncated: ${reason(error)}`);
  }
  return { width, height, format, bytes: bytes.length };
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
