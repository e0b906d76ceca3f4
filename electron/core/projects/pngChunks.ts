/**
 * A minimal PNG chunk reader/writer: enough to read a PNG's size and to add or read an iTXt text chunk
 * (sharp writes no iTXt). PNG layout: 8-byte signature, then chunks of
 * `length (u32 BE) | type (4 ASCII) | data | CRC-32 of type+data (u32 BE)` (PNG spec §5.3).
 */
import { deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The largest chunk this reader accepts (the spec allows 2^31-1; text chunks this large are hostile). */
const MAX_CHUNK = 256 * 1024 * 1024;

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as PNG and zlib use it). */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const bytes of parts) {
    for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

export type PngChunk = { type: string; data: Buffer };

export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.equals(Buffer.from(bytes.buffer, bytes.byteOffset, 8));
}

/** Splits a PNG into its chunks, checking the signature, every length and every CRC. */
export function readChunks(png: Uint8Array): PngChunk[] {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!isPng(buf)) throw new PngFormatError('not a PNG (bad signature)');
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at < buf.length) {
    if (at + 12 > buf.length) throw new PngFormatError('truncated chunk header');
    const length = buf.readUInt32BE(at);
    if (length > MAX_CHUNK || at + 12 + length > buf.length)
      throw new PngFormatError('truncated or oversized chunk');
    const typeBytes = buf.subarray(at + 4, at + 8);
    const type = typeBytes.toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngFormatError('bad chunk type');
    const data = buf.subarray(at + 8, at + 8 + length);
    if (buf.readUInt32BE(at + 8 + length) !== crc32(typeBytes, data))
      throw new PngFormatError(`bad CRC in ${type} chunk`);
    chunks.push({ type, data });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND')
    throw new PngFormatError('missing IHDR or IEND');
  return chunks;
}

export function writeChunks(chunks: readonly PngChunk[]): Buffer {
  const parts: Buffer[] = [SIGNATURE];
  for (const { type, data } of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(head.subarray(4), data), 0);
    parts.push(head, data, tail);
  }
  return Buffer.concat(parts);
}

/** Width and height from IHDR. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const ihdr = readChunks(png)[0]!.data;
  if (ihdr.length !== 13) throw new PngFormatError('bad IHDR');
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4) };
}

function checkKeyword(keyword: string): void {
  // PNG §11.3.4.2: 1–79 Latin-1 printable characters, no leading/trailing/double spaces.
  if (
    !/^[\x21-\x7e\xa1-\xff](?:[\x21-\x7e\xa1-\xff]| (?! ))*$/.test(keyword) ||
    keyword.length > 79 ||
    keyword.endsWith(' ')
  ) {
    throw new PngFormatError(`invalid iTXt keyword ${JSON.stringify(keyword)}`);
  }
}

/** Encodes an iTXt chunk's data; text over 1 KiB is zlib-compressed (compression flag 1, method 0). */
export function encodeITxt(keyword: string, text: string): Buffer {
  checkKeyword(keyword);
  const utf8 = Buffer.from(text, 'utf8');
  const compress = utf8.length > 1024;
  return Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, compress ? 1 : 0, 0]),
    Buffer.from([0]), // empty language tag
    Buffer.from([0]), // empty translated keyword
    compress ? deflateSync(utf8) : utf8,
  ]);
}

export function decodeITxt(data: Buffer): { keyword: string; text: string } {
  const end = data.indexOf(0);
  if (end < 1) throw new PngFormatError('bad iTXt keyword');
  const keyword = data.subarray(0, end).toString('latin1');
  const compressed = data[end + 1];
  const method = data[end + 2];
  const langEnd = data.indexOf(0, end + 3);
  const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
  if (compressed === undefined || method !== 0 || transEnd < 0) throw new PngFormatError('bad iTXt header');
  const body = data.subarray(transEnd + 1);
  const text = compressed === 1 ? inflateSync(body, { maxOutputLength: MAX_CHUNK }) : body;
  return { keyword, text: text.toString('utf8') };
}

/**
 * Returns `png` with one iTXt chunk for `keyword` holding `text`, placed right after IHDR (before the image
 * data, so streaming readers see it early). An existing iTXt with the same keyword is replaced.
 */
export function withITxt(png: Uint8Array, keyword: string, text: string): Buffer {
  const chunks = readChunks(png).filter((c) => !(c.type === 'iTXt' && safeKeyword(c.data) === keyword));
  chunks.splice(1, 0, { type: 'iTXt', data: encodeITxt(keyword, text) });
  return writeChunks(chunks);
}

/** The text of the first iTXt chunk with `keyword`, or null. */
export function readITxt(png: Uint8Array, keyword: string): string | null {
  for (const chunk of readChunks(png)) {
    if (chunk.type === 'iTXt' && safeKeyword(chunk.data) === keyword) return decodeITxt(chunk.data).text;
  }
  return null;
}

function safeKeyword(data: Buffer): string | null {
  const end = data.indexOf(0);
  return end > 0 ? data.subarray(0, end).toString('latin1') : null;
}
