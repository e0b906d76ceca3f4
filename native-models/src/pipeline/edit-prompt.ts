/**
 * The edit prompt (spec §2.1, §2.3, §4.4): the fixed chat template with the instruction, the image
 * placeholder expanded to one token per merged vision token, and the template prefix that is dropped
 * from the encoder output.
 */
import type { PromptTokenizer } from './tokenizer';
import { EditError } from './edit-error';

/** The system sentence of Qwen-Image-Edit's template. */
export const EDIT_SYSTEM_PROMPT =
  "Describe the key features of the input image (color, shape, size, texture, objects, background), then explain how the user's text instruction should alter or modify the image. Generate a new image that meets the user's requirements while maintaining consistency with the original input where appropriate.";

/** Tokens of the template before `<|vision_start|>`; their hidden states are dropped. */
export const EDIT_TEMPLATE_DROP = 64;

/** The longest instruction accepted, in tokens. The reference does not truncate; this only bounds memory. */
export const MAX_INSTRUCTION_TOKENS = 4096;

/** The template text with `instruction` substituted. */
export function editPromptText(instruction: string): string {
  return (
    `<|im_start|>system\n${EDIT_SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n` +
    `<|vision_start|><|image_pad|><|vision_end|>${instruction}<|im_end|>\n<|im_start|>assistant\n`
  );
}

export type EditPromptTokens = Readonly<{
  /** Token ids with the image placeholder expanded. */
  ids: Int32Array;
  /** Index of the first `<|image_pad|>`; `imageTokens` of them follow. */
  imageStart: number;
  imageTokens: number;
  /** Instruction tokens (between `<|vision_end|>` and the closing `<|im_end|>`). */
  instructionTokens: number;
  /** Positions to drop from the encoder output. */
  drop: number;
}>;

/** A problem with the prompt the user can fix. */
export class PromptError extends EditError {
  override name = 'PromptError';
  readonly code = 'invalid-request';
}

/**
 * Tokenizes the edit prompt for an image of `imageTokens` merged vision tokens. Expanding the placeholder
 * after tokenizing is equivalent to the processor's expansion before it, because added tokens are split
 * off before BPE.
 */
export function editPromptTokens(
  tokenizer: PromptTokenizer,
  instruction: string,
  imageTokens: number,
): EditPromptTokens {
  const pad = tokenizer.tokenId('<|image_pad|>');
  const visionStart = tokenizer.tokenId('<|vision_start|>');
  const ids = tokenizer.encode(editPromptText(instruction));
  const padAt = ids.indexOf(pad);
  if (padAt < 0 || ids.indexOf(pad, padAt + 1) >= 0 || ids.filter((id) => id === visionStart).length !== 1) {
    throw new PromptError('the prompt must not contain vision placeholder tokens such as <|image_pad|>');
  }
  if (ids[EDIT_TEMPLATE_DROP] !== visionStart) {
    throw new Error(
      `the tokenizer does not put <|vision_start|> at position ${EDIT_TEMPLATE_DROP} of the template`,
    );
  }
  const instructionTokens = ids.length - (padAt + 2) - 5;
  if (instructionTokens > MAX_INSTRUCTION_TOKENS) {
    throw new PromptError(
      `the prompt is ${instructionTokens} tokens long; at most ${MAX_INSTRUCTION_TOKENS} are accepted — shorten it`,
    );
  }
  const out = new Int32Array(ids.length - 1 + imageTokens);
  out.set(ids.slice(0, padAt), 0);
  out.fill(pad, padAt, padAt + imageTokens);
  out.set(ids.slice(padAt + 1), padAt + imageTokens);
  return { ids: out, imageStart: padAt, imageTokens, instructionTokens, drop: EDIT_TEMPLATE_DROP };
}
