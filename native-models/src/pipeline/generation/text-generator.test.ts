import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../tiny/demo-model';
import type { RgbImage } from '../load-image';
import { openTextGenerator, TextGeneratorUnavailable } from './text-generator';
import type { TextGenerator } from './text-generator';
import { parseTextLines } from './prompts';

// A 100×60 gradient: any image will do for random weights, but it must go through the vision tower.
const image: RgbImage = {
  width: 100,
  height: 60,
  rgb: Uint8Array.from({ length: 100 * 60 * 3 }, (_, i) => (i * 7) % 256),
};

let modelDir: string;
let generator: TextGenerator;
let scratch: string;
beforeAll(async () => {
  modelDir = await ensureDemoModel(0);
  generator = await openTextGenerator(modelDir, { provider: 'cpu', threads: 1 });
  scratch = await mkdtemp(join(tmpdir(), 'text-generator-'));
});
afterAll(async () => {
  await generator?.release();
  await rm(scratch, { recursive: true, force: true });
});

describe('text generator on the tiny model (random weights: the text is gibberish)', () => {
  it('describes an image, streaming pieces that add up to the answer, greedily reproducible', async () => {
    const pieces: string[] = [];
    const a = await generator.run({
      task: 'describe',
      image,
      maxNewTokens: 8,
      onText: (d) => pieces.push(d),
    });
    expect(a.tokens.length).toBeGreaterThan(0);
    expect(pieces.join('').trim()).toBe(a.text);
    const b = await generator.run({ task: 'describe', image, maxNewTokens: 8 });
    expect(b.tokens).toEqual(a.tokens);
  });

  it('enhances an instruction and refuses an empty one', async () => {
    const r = await generator.run({ task: 'enhance', instruction: '把兔子变成紫色', image, maxNewTokens: 6 });
    // Either the model chose a stop token or it ran to the limit.
    expect(r.reason === 'stop' || (r.reason === 'length' && r.tokens.length === 6)).toBe(true);
    await expect(generator.run({ task: 'enhance', instruction: '  ', image })).rejects.toThrow(
      /needs an instruction/,
    );
  });

  it('reads text lines for OCR and parses boxes when given', async () => {
    const r = await generator.run({ task: 'ocr', image, maxNewTokens: 4 });
    expect(r.lines).toEqual(parseTextLines(r.text));
    expect(parseTextLines('"OPEN" [10, 20, 110, 60]\nSALE\n')).toEqual([
      { text: 'OPEN', box: [10, 20, 110, 60] },
      { text: 'SALE' },
    ]);
  });

  it('reads a crop smaller than a vision patch; refuses a sliver with a clear error', async () => {
    const small: RgbImage = { width: 12, height: 9, rgb: image.rgb.subarray(0, 12 * 9 * 3) };
    const answer = await generator.run({ task: 'ocr', image: small, maxNewTokens: 4 });
    expect(answer.tokens.length).toBeGreaterThan(0);
    const sliver: RgbImage = { width: 600, height: 2, rgb: new Uint8Array(600 * 2 * 3) };
    await expect(generator.run({ task: 'ocr', image: sliver, maxNewTokens: 4 })).rejects.toThrow(
      /600×2 image is too thin to read/,
    );
  });

  it('says so when the model folder has no generator', async () => {
    const copy = join(scratch, 'no-generator');
    await cp(modelDir, copy, { recursive: true });
    const manifestPath = join(copy, 'model.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      components: Record<string, { files: string[] }>;
      files: Record<string, unknown>;
    };
    // The generator's own files go; the text graph's data file, which it reads too, stays.
    const { generator, ...others } = manifest.components;
    const kept = new Set(Object.values(others).flatMap((c) => c.files));
    for (const f of generator!.files.filter((f) => !kept.has(f))) {
      delete manifest.files[f];
      await rm(join(copy, f));
    }
    delete manifest.components.generator;
    await writeFile(manifestPath, JSON.stringify(manifest));
    await rm(join(copy, '.verified.json'), { force: true });
    await expect(openTextGenerator(copy, { provider: 'cpu', verify: 'size' })).rejects.toThrow(
      TextGeneratorUnavailable,
    );
  });
});
