/** PNGs made without an image library, for tests and benchmarks: many distinct ones fast, or a lying header. */
import { deflateSync } from 'node:zlib';

import { writeChunks } from '../pngChunks';

/** A distinct 16×16 RGB PNG per counter value, built without an image library (fast to make). */
export function tinyPng(n: number): Buffer {
  const w = 16;
  const h = 16;
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + w * 3)] = 0; // filter: none
    for (let x = 0; x < w * 3; x++) raw[y * (1 + w * 3) + 1 + x] = (n * 31 + x * 7 + y * 13 + (n >> 8)) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const stamp = Buffer.from(`n=${n}`);
  return writeChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'tEXt', data: Buffer.concat([Buffer.from('Comment\0'), stamp]) },
    { type: 'IDAT', data: deflateSync(raw) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
}

/**
 * A PNG whose header claims `width`×`height` with almost no pixel data behind it, as a hostile or broken
 * file would: for tests that a huge header is refused before anything is allocated.
 */
export function bigPngHeader(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return new Uint8Array(
    writeChunks([
      { type: 'IHDR', data: ihdr },
      { type: 'IDAT', data: deflateSync(Buffer.alloc(64)) },
      { type: 'IEND', data: Buffer.alloc(0) },
    ]),
  );
}
