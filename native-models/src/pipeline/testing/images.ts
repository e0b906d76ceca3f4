/** Image files for tests. */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** A PNG whose header claims the given size but whose pixel data is a few bytes (a "decompression bomb"). */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The photo crop the Pillow fixtures were made from (fixtures/pil-resize.json's input), as interleaved RGB8. */
export function pilFixturePhoto(): { width: number; height: number; rgb: Uint8Array } {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/pil-resize.json', import.meta.url), 'utf8'),
  ) as {
    input: { width: number; height: number; rgb: string };
  };
  const { width, height, rgb } = fixture.input;
  return { width, height, rgb: new Uint8Array(Buffer.from(rgb, 'base64')) };
}
