/**
 * The Plus pipeline's prompt (diffusers `QwenImageEditPlusPipeline`, Qwen-Image-Edit-2509/2511): the same
 * system sentence as the first release, but the user turn is `Picture 1: <vision>Picture 2: <vision>…` followed
 * by the instruction, one `Picture i: <|vision_start|><|image_pad|><|vision_end|>` per input image (the canvas
 * is Picture 1). Each image's placeholder expands to its own merged vision tokens; the first 64 tokens (up to
 * and including `user\n`) are dropped, so the kept part starts at `Picture`.
 */
import type { PromptTokenizer } from './tokenizer';
import { EDIT_SYSTEM_PROMPT, EDIT_TEMPLATE_DROP, MAX_INSTRUCTION_TOKENS, PromptError } from './edit-prompt';

/** The label upstream gives image `index` (0-based) inside the prompt. */
export const pictureLabel = (index: number) => `Picture ${index + 1}: `;

/** The Plus template with one vision slot per image and `instruction` substituted. */
export function plusPromptText(instruction: string, images: number): string {
  let pictures = '';
  for (let i = 0; i < images; i++)
    pictures += `${pictureLabel(i)}<|vision_start|><|image_pad|><|vision_end|>`;
  return (
    `<|im_start|>system\n${EDIT_SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n` +
    `${pictures}${instruction}<|im_end|>\n<|im_start|>assistant\n`
  );
}

export type PlusPromptTokens = Readonly<{
  /** Token ids with every image placeholder expanded. */
  ids: Int32Array;
  /** Per image: the index of its first `<|image_pad|>` and how many follow. */
  imageStarts: readonly number[];
  imageTokens: readonly number[];
  /** Instruction tokens (between the last `<|vision_end|>` and the closing `<|im_end|>`). */
  instructionTokens: number;
  /** Positions to drop from the encoder output. */
  drop: number;
}>;

/**
 * Tokenizes the Plus prompt for images of `imageTokens[i]` merged vision tokens each (expanding after
 * tokenizing equals the processor's expansion before it: added tokens are split off before BPE).
 */
export function plusPromptTokens(
  tokenizer: PromptTokenizer,
  instruction: string,
  imageTokens: readonly number[],
): PlusPromptTokens {
  if (imageTokens.length < 1) throw new Error('the Plus prompt needs at least one image');
  const pad = tokenizer.tokenId('<|image_pad|>');
  const visionStart = tokenizer.tokenId('<|vision_start|>');
  const visionEnd = tokenizer.tokenId('<|vision_end|>');
  const ids = tokenizer.encode(plusPromptText(instruction, imageTokens.length));
  const pads = ids.flatMap((id, i) => (id === pad ? [i] : []));
  if (
    pads.length !== imageTokens.length ||
    ids.filter((id) => id === visionStart).length !== imageTokens.length
  ) {
    throw new PromptError('the prompt must not contain vision placeholder tokens such as <|image_pad|>');
  }
  // The drop must end exactly where the user turn begins, or the kept embeddings would be shifted.
  const userTurn = tokenizer.encode(`${pictureLabel(0)}`)[0];
  if (ids[EDIT_TEMPLATE_DROP] !== userTurn) {
    throw new Error(
      `the tokenizer does not start the user turn at position ${EDIT_TEMPLATE_DROP} of the template`,
    );
  }
  const lastEnd = ids.lastIndexOf(visionEnd);
  const instructionTokens = ids.length - (lastEnd + 1) - 5;
  if (instructionTokens > MAX_INSTRUCTION_TOKENS) {
    throw new PromptError(
      `the prompt is ${instructionTokens} tokens long; at most ${MAX_INSTRUCTION_TOKENS} are accepted — shorten it`,
    );
  }
  const total = ids.length - pads.length + imageTokens.reduce((a, b) => a + b, 0);
  const out = new Int32Array(total);
  const imageStarts: number[] = [];
  let at = 0;
  let from = 0;
  pads.forEach((p, k) => {
    out.set(ids.slice(from, p), at);
    at += p - from;
    imageStarts.push(at);
    out.fill(pad, at, at + imageTokens[k]!);
    at += imageTokens[k]!;
    from = p + 1;
  });
  out.set(ids.slice(from), at);
  return {
    ids: out,
    imageStarts,
    imageTokens: [...imageTokens],
    instructionTokens,
    drop: EDIT_TEMPLATE_DROP,
  };
}
