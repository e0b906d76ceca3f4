import type { TextConfig } from '../../config/text-encoder';
import type { GridThw } from '../../graphs/vision/layout';
import { mropePositionIds } from '../../graphs/text/position-ids';
import { decodePositionIds, ropeDelta } from '../../graphs/generate/positions';
import { emptyKvCache, generatorFeeds } from '../../graphs/generate/feeds';
import type { KvCache } from '../../graphs/generate/feeds';
import type { FeedSpec } from '../../graphs/vision/feeds';
import { tokenChooser } from './sampling';
import type { SamplingOptions } from './sampling';

/** One run of the generator graph: logits of the last position and the grown cache. */
export type GeneratorStep = (
  feeds: Record<string, FeedSpec>,
) => Promise<{ logits: Float32Array; cache: KvCache }>;

export type GenerateRequest = Readonly<{
  /** The prompt's token ids, image placeholders expanded (one pad per merged vision token). */
  prompt: readonly number[];
  /** Grids of the prompt's images in order, and their features from the vision graph. */
  imageGrids?: readonly GridThw[];
  imageEmbeds?: Float32Array;
  maxNewTokens: number;
  /** Generation ends after emitting one of these (generation_config.json `eos_token_id`). */
  stopTokens: readonly number[];
  sampling?: SamplingOptions;
  /** Checked before every run: an abort stops generation before the next token is computed. */
  signal?: AbortSignal;
  /** Called with each new token as soon as it is chosen (stop tokens included). */
  onToken?: (token: number, index: number) => void;
}>;

export type GenerateResult = Readonly<{
  tokens: number[];
  reason: 'stop' | 'length' | 'cancelled';
  /** Graph runs made: one prefill, then one per further token. */
  runs: number;
}>;

export class GenerateError extends Error {
  override name = 'GenerateError';
}

/**
 * Prefill then decode with the key/value cache: the prompt runs once, then each new token runs alone at
 * cache index `c` with position `c + rope_delta` (upstream's continuation after `get_rope_index`).
 */
export async function generateTokens(
  step: GeneratorStep,
  config: TextConfig,
  request: GenerateRequest,
): Promise<GenerateResult> {
  const { prompt, maxNewTokens } = request;
  if (prompt.length === 0) throw new GenerateError('the prompt has no tokens');
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 1))
    throw new GenerateError(`maxNewTokens must be an integer ≥ 1, got ${maxNewTokens}`);
  const choose = tokenChooser(request.sampling ?? {});
  const grids = request.imageGrids ?? [];
  const imageEmbeds = request.imageEmbeds ?? new Float32Array(0);
  const prefillPositions = mropePositionIds([prompt], grids, 2, config);
  const delta = ropeDelta(prefillPositions, prompt.length);
  const stops = new Set(request.stopTokens);
  const seen = [...prompt];
  const tokens: number[] = [];
  let cache = emptyKvCache(config);
  let runs = 0;
  let input: readonly number[] = prompt;
  let positions = prefillPositions;
  let embeds = imageEmbeds;
  for (;;) {
    if (request.signal?.aborted) return { tokens, reason: 'cancelled', runs };
    const out = await step(generatorFeeds(input, positions, embeds, cache, config));
    runs++;
    cache = out.cache;
    const token = choose(out.logits, seen);
    tokens.push(token);
    seen.push(token);
    request.onToken?.(token, tokens.length - 1);
    if (stops.has(token)) return { tokens, reason: 'stop', runs };
    if (tokens.length >= maxNewTokens) return { tokens, reason: 'length', runs };
    input = [token];
    positions = decodePositionIds(cache.length, delta);
    embeds = new Float32Array(0);
  }
}
