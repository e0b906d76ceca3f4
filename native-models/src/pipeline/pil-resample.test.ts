import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeLikePil } from './pil-resample';
import type { PilFilter } from './pil-resample';

type Fixture = {
  input: { width: number; height: number; rgb: string };
  cases: { width: number; height: number; filter: PilFilter; rgb: string }[];
};
// Made with Debian's python3-pil 9.4: Image.resize((w, h), LANCZOS | BICUBIC) of the input, mode RGB.
const fixture = JSON.parse(
  readFileSync(new URL('fixtures/pil-resize.json', import.meta.url), 'utf8'),
) as Fixture;
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const input = { width: fixture.input.width, height: fixture.input.height, rgb: bytes(fixture.input.rgb) };

describe('resizeLikePil', () => {
  for (const c of fixture.cases) {
    it(`matches Pillow byte for byte: ${input.width}x${input.height} → ${c.width}x${c.height} ${c.filter}`, () => {
      const out = resizeLikePil(input, c.width, c.height, c.filter);
      expect([out.width, out.height]).toEqual([c.width, c.height]);
      expect(Buffer.from(out.rgb).equals(Buffer.from(bytes(c.rgb)))).toBe(true);
    });
  }

  it('returns the image unchanged at its own size', () => {
    expect(resizeLikePil(input, input.width, input.height, 'lanczos')).toBe(input);
  });
});
