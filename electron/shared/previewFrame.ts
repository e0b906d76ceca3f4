/**
 * Binary preview-frame format: one per denoising step, RGBA8 at latent resolution. It travels as raw bytes
 * (a binary WebSocket message, or a Uint8Array over a MessagePort) so no JSON or base64 touches the pixels.
 * Step and total are not in it: the `job:progress` event carries them, and frames may be skipped.
 *
 * Layout (little-endian): magic u32 'QEPF' | version u16 | jobId length u16 | width u32 | height u32 |
 * jobId (UTF-8) | pixels (width*height*4).
 */
export type PreviewFrame = Readonly<{
  jobId: string;
  width: number;
  height: number;
  pixels: Uint8Array;
}>;

const MAGIC = 0x46504551; // 'QEPF' read as little-endian u32
const VERSION = 2;
const HEADER = 16;
/** Frames are latent-resolution previews; anything larger is not a preview. */
const MAX_SIDE = 4096;

export function encodePreviewFrame(frame: PreviewFrame): Uint8Array {
  const id = new TextEncoder().encode(frame.jobId);
  if (frame.pixels.length !== frame.width * frame.height * 4)
    throw new Error('preview pixels do not match width×height×4');
  const out = new Uint8Array(HEADER + id.length + frame.pixels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, id.length, true);
  view.setUint32(8, frame.width, true);
  view.setUint32(12, frame.height, true);
  out.set(id, HEADER);
  out.set(frame.pixels, HEADER + id.length);
  return out;
}

/** Parses and validates a frame; throws on anything malformed (it came from another process). */
export function decodePreviewFrame(bytes: Uint8Array): PreviewFrame {
  if (bytes.length < HEADER) throw new Error('preview frame too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a preview frame');
  if (view.getUint16(4, true) !== VERSION) throw new Error('unsupported preview frame version');
  const idLength = view.getUint16(6, true);
  const width = view.getUint32(8, true);
  const height = view.getUint32(12, true);
  if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE)
    throw new Error('bad preview frame size');
  if (bytes.length !== HEADER + idLength + width * height * 4)
    throw new Error('preview frame length mismatch');
  const jobId = new TextDecoder().decode(bytes.subarray(HEADER, HEADER + idLength));
  return { jobId, width, height, pixels: bytes.subarray(HEADER + idLength) };
}
