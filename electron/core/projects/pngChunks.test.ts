import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';

import {
  crc32,
  decodeITxt,
  encodeITxt,
  pngSize,
  readChunks,
  readITxt,
  withITxt,
  writeChunks,
} from './pngChunks';
import { readEmbeddedRecipe, RECIPE_KEYWORD } from './recipeEmbed';
import { seededPng } from './testing/images';

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = Buffer.from('IEND');
    expect(crc32(bytes)).toBe(0xae426082); // every PNG ends with this CRC
    expect(crc32(Buffer.from('ab'), Buffer.from('c'))).toBe(crc32(Buffer.from('abc')));
  });
});

describe('PNG chunks', () => {
  it('reads and rewrites a sharp PNG byte for byte', async () => {
    const png = await seededPng(3, 20, 10);
    const chunks = readChunks(png);
    expect(chunks[0]!.type).toBe('IHDR');
    expect(chunks.at(-1)!.type).toBe('IEND');
    expect(writeChunks(chunks)).toEqual(png);
    expect(pngSize(png)).toEqual({ width: 20, height: 10 });
  });

  it('adds an iTXt chunk that decoders accept and that reads back, replacing an older one', async () => {
    const png = await seededPng(4);
    const text = JSON.stringify({ prompt: 'Straßenschild → rot, 看板', seed: 7 });
    const tagged = withITxt(png, 'qwen-edit-studio', text);
    expect(readITxt(tagged, 'qwen-edit-studio')).toBe(text);
    expect(readITxt(tagged, 'other')).toBeNull();
    expect(readChunks(tagged)[1]!.type).toBe('iTXt'); // before the image data
    // libpng (via sharp) decodes it to the same pixels.
    expect(await sharp(tagged).raw().toBuffer()).toEqual(await sharp(png).raw().toBuffer());
    const retagged = withITxt(tagged, 'qwen-edit-studio', 'second');
    expect(readChunks(retagged).filter((c) => c.type === 'iTXt')).toHaveLength(1);
    expect(readITxt(retagged, 'qwen-edit-studio')).toBe('second');
  });

  it('compresses long text (flag 1, zlib) and decodes it', () => {
    const long = 'lineage '.repeat(1000);
    const data = encodeITxt('k', long);
    expect(data.length).toBeLessThan(long.length / 4);
    expect(data[2]).toBe(1); // compression flag after "k\0"
    expect(decodeITxt(data)).toEqual({ keyword: 'k', text: long });
    // A hand-made compressed chunk from another writer, with a language tag and translated keyword.
    const foreign = Buffer.concat([
      Buffer.from('Title\0\x01\x00en\0Titel\0', 'latin1'),
      deflateSync(Buffer.from('héllo')),
    ]);
    expect(decodeITxt(foreign)).toEqual({ keyword: 'Title', text: 'héllo' });
  });

  it('rejects damaged PNGs: bad CRC, truncation, bad signature, bad keyword', async () => {
    const png = await seededPng(5);
    const badCrc = Buffer.from(png);
    badCrc[20] = badCrc[20]! ^ 1; // inside IHDR data
    expect(() => readChunks(badCrc)).toThrow(/bad CRC in IHDR/);
    expect(() => readChunks(png.subarray(0, png.length - 6))).toThrow(/truncated/);
    expect(() => readChunks(Buffer.from('GIF89a........'))).toThrow(/signature/);
    expect(() => encodeITxt('', 'x')).toThrow(/keyword/);
    expect(() => encodeITxt('a'.repeat(80), 'x')).toThrow(/keyword/);
    expect(() => encodeITxt('two  spaces', 'x')).toThrow(/keyword/);
  });
});

describe('embedded recipes', () => {
  it('returns null for images without one and rejects a malformed one', async () => {
    const png = await seededPng(6);
    expect(readEmbeddedRecipe(png)).toBeNull();
    expect(readEmbeddedRecipe(await sharp(png).jpeg().toBuffer())).toBeNull();
    expect(() => readEmbeddedRecipe(withITxt(png, RECIPE_KEYWORD, '{"format":'))).toThrow(/not valid JSON/);
    expect(() => readEmbeddedRecipe(withITxt(png, RECIPE_KEYWORD, '{"format":"x"}'))).toThrow(/not valid/);
    const damaged = Buffer.from(withITxt(png, RECIPE_KEYWORD, '{}'));
    damaged[40] = damaged[40]! ^ 0xff;
    expect(() => readEmbeddedRecipe(damaged)).toThrow(expect.objectContaining({ code: 'INVALID_IMAGE' }));
  });
});
