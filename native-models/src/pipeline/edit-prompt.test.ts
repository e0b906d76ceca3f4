import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { qwenTokenizerFiles } from '../tiny/tokenizer-files';
import { EDIT_TEMPLATE_DROP, editPromptTokens, PromptError } from './edit-prompt';
import { loadPromptTokenizer } from './tokenizer';
import type { PromptTokenizer } from './tokenizer';

let fast: PromptTokenizer;
let slow: PromptTokenizer;

beforeAll(async () => {
  const files = await qwenTokenizerFiles();
  const fastDir = mkdtempSync(join(tmpdir(), 'tok-fast-'));
  const slowDir = mkdtempSync(join(tmpdir(), 'tok-slow-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(fastDir, name), text);
    if (name !== 'tokenizer.json') writeFileSync(join(slowDir, name), text);
  }
  fast = await loadPromptTokenizer(fastDir);
  slow = await loadPromptTokenizer(slowDir);
});

describe('editPromptTokens', () => {
  it('builds the edit template: 64 dropped tokens, then vision_start, the image run, the instruction', () => {
    const t = editPromptTokens(fast, 'Make the cat wear a red hat', 1369);
    expect(t.instructionTokens).toBe(7);
    expect(t.ids.length).toBe(1440 + 7); // spec §4.4: 1440 + P at 1024²
    expect(Array.from(t.ids.subarray(0, 6))).toEqual([151644, 8948, 198, 74785, 279, 1376]);
    expect(t.ids[EDIT_TEMPLATE_DROP]).toBe(151652);
    expect(t.imageStart).toBe(65);
    expect(t.ids.subarray(65, 65 + 1369).every((id) => id === 151655)).toBe(true);
    expect(t.ids[65 + 1369]).toBe(151653);
    expect(Array.from(t.ids.subarray(t.ids.length - 5))).toEqual([151645, 198, 151644, 77091, 198]);
    // L_txt after the drop = 1376 + P (spec §4.4)
    expect(t.ids.length - t.drop).toBe(1383);
  });

  it('encodes the negative prompt " " as one token and accepts an empty prompt', () => {
    expect(editPromptTokens(fast, ' ', 4).instructionTokens).toBe(1);
    expect(editPromptTokens(fast, ' ', 4).ids[64 + 1 + 4 + 1]).toBe(220);
    expect(editPromptTokens(fast, '', 4).instructionTokens).toBe(0);
  });

  it('reads vocab.json + merges.txt exactly like tokenizer.json', () => {
    const text = "Replace the sky with a sunset; keep the 2 dogs' fur & colours — 色 ✓\n\tthere";
    expect(Array.from(editPromptTokens(slow, text, 16).ids)).toEqual(
      Array.from(editPromptTokens(fast, text, 16).ids),
    );
  });

  it('accepts a 5000-character prompt untruncated, as the reference does, and refuses absurd lengths', () => {
    const long = 'make it brighter and '.repeat(239).slice(0, 5000);
    expect(long.length).toBe(5000);
    const t = editPromptTokens(fast, long, 4);
    expect(t.instructionTokens).toBeGreaterThan(900);
    expect(() => editPromptTokens(fast, 'word '.repeat(5000), 4)).toThrow(/shorten it/);
  });

  it('refuses prompts that smuggle in vision placeholders', () => {
    expect(() => editPromptTokens(fast, 'a <|image_pad|> b', 4)).toThrow(PromptError);
    expect(() => editPromptTokens(fast, '<|vision_start|>', 4)).toThrow(PromptError);
  });
});
