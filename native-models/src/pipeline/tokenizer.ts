/**
 * The Qwen2 byte-level BPE tokenizer of a checkpoint's `tokenizer/` (or `processor/`) folder, read from
 * `tokenizer.json`, or — when only the slow-tokenizer files exist — from `vocab.json` + `merges.txt` +
 * `tokenizer_config.json`, which are turned into the equivalent `tokenizer.json` (spec §2.2).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the pipeline needs from a tokenizer. */
export interface PromptTokenizer {
  /** Token ids of `text`, special tokens matched as whole strings, nothing added around them. */
  encode(text: string): number[];
  /** The id of an added (special) token, or throws. */
  tokenId(content: string): number;
  /** The text of `ids`, special tokens left out (generated text). */
  decode(ids: readonly number[]): string;
}

/** Qwen2's pre-tokenizer split (spec §2.2). */
const QWEN2_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

type AddedTokenJson = { id: number; content: string; special?: boolean } & Record<string, unknown>;

/** Reads the tokenizer of `dir` (a folder with tokenizer.json, or with vocab.json + merges.txt). */
export async function loadPromptTokenizer(dir: string): Promise<PromptTokenizer> {
  const configPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(configPath)
    ? (JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>)
    : {};
  let tokenizerJson: { added_tokens: AddedTokenJson[] } & Record<string, unknown>;
  if (existsSync(join(dir, 'tokenizer.json'))) {
    tokenizerJson = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as typeof tokenizerJson;
  } else if (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt'))) {
    tokenizerJson = fromSlowFiles(
      JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')) as Record<string, number>,
      await readFile(join(dir, 'merges.txt'), 'utf8'),
      config,
    );
  } else {
    throw new Error(`${dir} has neither tokenizer.json nor vocab.json + merges.txt`);
  }
  return wrap(new Tokenizer(tokenizerJson, config), tokenizerJson.added_tokens);
}

function wrap(tokenizer: Tokenizer, added: readonly AddedTokenJson[]): PromptTokenizer {
  const ids = new Map(added.map((t) => [t.content, t.id]));
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokenId: (content) => {
      const id = ids.get(content);
      if (id === undefined) throw new Error(`the tokenizer has no token ${content}`);
      return id;
    },
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: true }),
  };
}

/** Builds the `tokenizer.json` equivalent of Qwen2Tokenizer's slow files. */
function fromSlowFiles(
  vocab: Record<string, number>,
  mergesTxt: string,
  config: Record<string, unknown>,
): { added_tokens: AddedTokenJson[] } & Record<string, unknown> {
  const merges = mergesTxt
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#version'))
    .map((line) => {
      const space = line.indexOf(' ', 1);
      return [line.slice(0, space), line.slice(space + 1)];
    });
  const decoder = (config.added_tokens_decoder ?? {}) as Record<
    string,
    { content: string } & Record<string, unknown>
  >;
  const added = Object.entries(decoder)
    .map(([id, t]): AddedTokenJson => ({
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
      ...t,
      id: Number(id),
    }))
    .sort((a, b) => a.id - b.id);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_SPLIT }, behavior: 'Isolated', invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}
