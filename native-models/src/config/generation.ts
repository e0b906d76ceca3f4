/**
 * What text generation needs beyond the language model's shape: whether `lm_head` is the embedding table
 * (`tie_word_embeddings` in `text_encoder/config.json`) and the decoding defaults of
 * `text_encoder/generation_config.json` (stop tokens, sampling values).
 */
import type { ExpectedTensor } from './expected-tensor';
import { ConfigReader } from './reader';
import type { TextEncoderConfig } from './text-encoder';

/** `tie_word_embeddings` of the text encoder config (nested `text_config` first); Qwen2.5-VL-7B: false. */
export function tiedWordEmbeddings(json: unknown, file = 'text_encoder/config.json'): boolean {
  const top = ConfigReader.of(file, json);
  const nested = top.json.text_config as Record<string, unknown> | undefined;
  const value = nested?.tie_word_embeddings ?? top.json.tie_word_embeddings ?? false;
  if (typeof value !== 'boolean') return top.reject('tie_word_embeddings', 'true or false');
  return value;
}

/** The output projection the generator reads: none when tied (it reuses `embed_tokens`). */
export function lmHeadTensors(
  config: Pick<TextEncoderConfig, 'vocabSize' | 'hiddenSize'>,
  tied: boolean,
): ExpectedTensor[] {
  if (tied) return [];
  return [
    {
      name: 'lm_head.weight',
      shape: [config.vocabSize, config.hiddenSize],
      kind: 'linear',
      fanIn: config.hiddenSize,
    },
  ];
}

export type GenerationDefaults = Readonly<{
  /** Token ids that end generation (`eos_token_id`, one id or a list). */
  stopTokens: readonly number[];
  doSample: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
}>;

/** Reads `generation_config.json`; throws naming the field when a value is unusable. */
export function readGenerationConfig(
  json: unknown,
  file = 'text_encoder/generation_config.json',
): GenerationDefaults {
  const r = ConfigReader.of(file, json);
  const eos = r.json.eos_token_id;
  const stopTokens = typeof eos === 'number' ? [r.int('eos_token_id', undefined, 0)] : r.ints('eos_token_id');
  const optional = (key: string) => (r.json[key] === undefined ? undefined : r.number(key));
  const temperature = optional('temperature');
  const topK = r.json.top_k === undefined ? undefined : r.int('top_k');
  const topP = optional('top_p');
  const repetitionPenalty = optional('repetition_penalty');
  return {
    stopTokens,
    doSample: r.json.do_sample === true,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topK !== undefined ? { topK } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}),
  };
}
