import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { qwenTokenizerFiles } from '../tiny/tokenizer-files';
import { EDIT_TEMPLATE_DROP, PromptError, editPromptTokens } from './edit-prompt';
import { plusPromptTokens } from './plus-prompt';
import { loadPromptTokenizer } from './tokenizer';
import type { PromptTokenizer } from './tokenizer';

let tokenizer: PromptTokenizer;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tok-plus-'));
  for (const [name, text] of Object.entries(await qwenTokenizerFiles())) writeFileSync(join(dir, name), text);
  tokenizer = await loadPromptTokenizer(dir);
});

const VISION_START = 151652;
const VISION_END = 151653;
const IMAGE_PAD = 151655;
// The template's tail after the instruction: <|im_end|> \n <|im_start|> assistant \n.
const TAIL = [151645, 198, 151644, 77091, 198];

describe('plusPromptTokens (QwenImageEditPlusPipeline template)', () => {
  // Square 384² → 196 merged tokens; 16:9 → 180; a 3:4 portrait → 192 (spec §11.2 and smart_resize).
  for (const counts of [[196], [196, 180], [196, 180, 192]]) {
    it(`lays out ${counts.length} image(s): the system prefix dropped at 64, then "Picture i: " and each image's run`, () => {
      const instruction = 'Put the hat from Picture 2 on the cat';
      const t = plusPromptTokens(tokenizer, instruction, counts);
      const instructionIds = tokenizer.encode(instruction);
      // The first 64 tokens are the first release's system prefix, token for token.
      const edit = editPromptTokens(tokenizer, instruction, 1);
      expect(Array.from(t.ids.subarray(0, EDIT_TEMPLATE_DROP))).toEqual(
        Array.from(edit.ids.subarray(0, EDIT_TEMPLATE_DROP)),
      );
      expect(t.drop).toBe(64);
      // After the drop, for each image k: "Picture", " ", "k", ":", " " (digits are single tokens), then
      // <|vision_start|>, its pads, <|vision_end|>.
      let at = EDIT_TEMPLATE_DROP;
      counts.forEach((n, k) => {
        const label = Array.from(t.ids.subarray(at, at + 5));
        expect(label).toEqual(tokenizer.encode(`Picture ${k + 1}: `));
        expect(tokenizer.decode(label)).toBe(`Picture ${k + 1}: `);
        expect(label).toHaveLength(5);
        expect(t.ids[at + 5]).toBe(VISION_START);
        expect(t.imageStarts[k]).toBe(at + 6);
        expect(t.ids.subarray(at + 6, at + 6 + n).every((id) => id === IMAGE_PAD)).toBe(true);
        expect(t.ids[at + 6 + n]).toBe(VISION_END);
        at += 5 + 1 + n + 1;
      });
      expect(Array.from(t.ids.subarray(at, at + instructionIds.length))).toEqual(instructionIds);
      expect(Array.from(t.ids.subarray(at + instructionIds.length))).toEqual(TAIL);
      expect(t.instructionTokens).toBe(instructionIds.length);
      // Kept length: per image 5 + 1 + n + 1, the instruction, the 5-token tail (spec: 208 + P for one square image).
      const kept = counts.reduce((a, n) => a + 7 + n, 0) + instructionIds.length + 5;
      expect(t.ids.length - t.drop).toBe(kept);
      if (counts.length === 1) expect(kept).toBe(208 + instructionIds.length);
    });
  }

  it('refuses an instruction that smuggles a vision placeholder in', () => {
    expect(() => plusPromptTokens(tokenizer, 'look at <|image_pad|>', [4, 4])).toThrow(PromptError);
    expect(() => plusPromptTokens(tokenizer, 'x <|vision_start|>', [4])).toThrow(PromptError);
  });
});
