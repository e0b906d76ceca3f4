/**
 * The three uses of the generator and their chat prompts. The system texts are ours: the enhancer's covers
 * what a good edit instruction needs (what changes and where, colours, exact quoted text for text edits, the
 * rest unchanged, the user's language) without copying any published rewriting prompt.
 */
import type { PromptTokenizer } from '../tokenizer';

export type TextTask = 'enhance' | 'describe' | 'ocr';

export const ENHANCE_SYSTEM_PROMPT =
  'You turn a short image-editing request into one precise instruction for an image editor. Look at the ' +
  'image, then state exactly what should change and where it is (left, right, top, bottom, centre, ' +
  'foreground, background), naming colours, materials and sizes where they matter. If text in the image ' +
  'should change, quote the current text and the new text exactly, each in double quotes. Say that ' +
  'everything else stays as it is. Keep the request’s intent and add nothing it did not ask for. Write in ' +
  'the language of the request. Reply with the instruction only.';

export const DESCRIBE_SYSTEM_PROMPT =
  'You write alt text. Describe the image in one or two plain sentences: the main subject, what it is ' +
  'doing, the setting and the dominant colours. Reply with the description only.';

export const OCR_SYSTEM_PROMPT =
  'You read text in images. List every piece of text you can read, top to bottom, one per line, exactly as ' +
  'written. After each, if you can tell where it is, add its box as [x1, y1, x2, y2] in pixels. Reply with ' +
  'the lines only; reply with nothing if there is no text.';

const USER_TEXT: Readonly<Record<TextTask, (instruction: string) => string>> = {
  enhance: (instruction) => `Request: ${instruction}`,
  describe: () => 'Describe this image.',
  ocr: () => 'Read the text in this image.',
};

const SYSTEM: Readonly<Record<TextTask, string>> = {
  enhance: ENHANCE_SYSTEM_PROMPT,
  describe: DESCRIBE_SYSTEM_PROMPT,
  ocr: OCR_SYSTEM_PROMPT,
};

/**
 * Token ids of the chat prompt for `task`: system, then the user turn with the image (`imageTokens` pads
 * between vision start and end; none without an image) and the text, then the open assistant turn.
 */
export function taskPromptTokens(
  tokenizer: PromptTokenizer,
  task: TextTask,
  instruction: string,
  imageTokens: number,
): number[] {
  const image =
    imageTokens > 0
      ? [
          tokenizer.tokenId('<|vision_start|>'),
          ...Array<number>(imageTokens).fill(tokenizer.tokenId('<|image_pad|>')),
          tokenizer.tokenId('<|vision_end|>'),
        ]
      : [];
  return [
    ...tokenizer.encode(`<|im_start|>system\n${SYSTEM[task]}<|im_end|>\n<|im_start|>user\n`),
    ...image,
    ...tokenizer.encode(`${USER_TEXT[task](instruction)}<|im_end|>\n<|im_start|>assistant\n`),
  ];
}

export type TextLine = Readonly<{ text: string; box?: readonly [number, number, number, number] }>;

/** The OCR answer as lines, each with its box when the model gave one as `[x1, y1, x2, y2]`. */
export function parseTextLines(answer: string): TextLine[] {
  const lines: TextLine[] = [];
  for (const raw of answer.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m =
      /^(.*?)[\s,:]*\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]$/.exec(
        line,
      );
    if (m && m[1]) {
      const [x1, y1, x2, y2] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
      lines.push({ text: unquote(m[1]), box: [x1, y1, x2, y2] });
    } else lines.push({ text: unquote(line) });
  }
  return lines;
}

const unquote = (s: string) => s.replace(/^["“]([^]*)["”]$/, '$1').trim();
