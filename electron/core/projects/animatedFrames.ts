/**
 * How many frames an image has. Decoding reads only the first frame of an animation, so the app says so
 * rather than let the user wonder where the rest went.
 */
import type { Metadata } from 'sharp';
import type { ImageInfo } from '../../shared/contract';

/** libvips reads an APNG as its default image and reports no pages, so its acTL chunk is read here. */
function apngFrames(png: Uint8Array): number {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at + 8 <= png.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(png[at + 4]!, png[at + 5]!, png[at + 6]!, png[at + 7]!);
    if (type === 'IDAT' || type === 'IEND') break; // acTL must come before the image data
    if (type === 'acTL' && length >= 4 && at + 12 <= png.length) return view.getUint32(at + 8);
    at += 12 + length;
  }
  return 1;
}

export function animatedFrames(format: ImageInfo['format'], bytes: Uint8Array, meta: Metadata): number {
  if (format === 'png') return apngFrames(bytes);
  return meta.pages ?? 1;
}
