/**
 * Web mode's resource limits (issue 10, item 4), computed from the contract's own caps so that every legal
 * request fits and nothing much larger is even buffered.
 */
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from '../shared/contract';

/** Room for a request's envelope and its other fields (names, prompts of up to 2×20,000 characters). */
const ENVELOPE_BYTES = 256 * 1024;

/** Characters base64 needs for `bytes` bytes (padded, 4 per 3). */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/**
 * The largest legal request is one image at the file-size cap: no request carries more than one image
 * (`project:create`, `image:inspect`, `recipe:read` carry the file; `edit:run` only its mask, the parent is
 * named by id). As `$bytes` base64 in a JSON text frame that is base64Length(MAX_IMAGE_BYTES) plus the
 * envelope.
 */
export const MAX_FRAME_BYTES = base64Length(MAX_IMAGE_BYTES) + ENVELOPE_BYTES;

/** JSON deeper than this is no request of ours (the deepest, an edit with a mask, is 5 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Per connection: requests in flight at once, and a token bucket for the request rate. Generous enough for
 * the UI's bursts (a version list asks for dozens of thumbnails at once), small enough that one page cannot
 * queue unbounded work.
 */
export const MAX_IN_FLIGHT = 64;
export const RATE_BURST = 256;
export const RATE_PER_SECOND = 128;

/**
 * Working memory the engine needs per output pixel, beyond the model's weights. Calibrated from the one
 * measured failure: a 2048×2048 edit (4.19 MP) was OOM-killed with 6 GB, so more than 6 GiB / 4.19 MP ≈
 * 1.5 KiB per pixel is needed; the bound rounds that up, since the transformer's joint attention grows
 * faster than linearly with the token count.
 */
export const EDIT_BYTES_PER_PIXEL = 1536;
/** The schema's own largest size (4096×4096). */
const SCHEMA_MAX_PIXELS = 4096 * 4096;

/**
 * Largest edit (output pixels) this machine is allowed to attempt: half of its memory for the engine's
 * working set at EDIT_BYTES_PER_PIXEL, never more than the schema allows and never below the model's
 * native ≈1 MP budget (which every machine that can load the model at all can run).
 */
export function maxEditPixels(totalMemoryBytes: number): number {
  const byMemory = Math.floor(totalMemoryBytes / 2 / EDIT_BYTES_PER_PIXEL);
  return Math.max(1024 * 1024, Math.min(SCHEMA_MAX_PIXELS, byMemory));
}

/** Width and height from a PNG's IHDR (the first chunk, by the spec), or null when the bytes are not a PNG. */
export function pngHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || !signature.every((b, i) => bytes[i] === b)) return null;
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS };
