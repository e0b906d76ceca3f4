import type { FeedSpec } from '../vision/feeds';
import type { TextConfig } from '../../config/text-encoder';
import { GENERATOR_IO } from './graph';

/** A float32 `[1, kv_heads, tokens, head_dim]` cache tensor per layer, keys and values. */
export type KvCache = Readonly<{ keys: readonly FeedSpec[]; values: readonly FeedSpec[]; length: number }>;

/** The cache before prefill: every layer `[1, kv_heads, 0, head_dim]`. */
export function emptyKvCache(config: Pick<TextConfig, 'numLayers' | 'numKvHeads' | 'headDim'>): KvCache {
  const empty = (): FeedSpec => ({
    dtype: 'float32',
    data: new Float32Array(0),
    dims: [1, config.numKvHeads, 0, config.headDim],
  });
  const layers = Array.from({ length: config.numLayers }, () => 0);
  return { keys: layers.map(empty), values: layers.map(empty), length: 0 };
}

/**
 * Inputs of one generator run on a single row: the new tokens, their position ids `[3, 1, n]`, the image
 * features (`[0, hidden]` without an image) and the cache so far; the attention mask covers cache + new tokens.
 */
export function generatorFeeds(
  tokens: readonly number[],
  positionIds: BigInt64Array,
  imageEmbeds: Float32Array,
  cache: KvCache,
  config: Pick<TextConfig, 'hiddenSize' | 'numLayers'>,
): Record<string, FeedSpec> {
  const n = tokens.length;
  if (positionIds.length !== 3 * n)
    throw new Error(`position_ids holds ${positionIds.length / 3} tokens, not ${n}`);
  const feeds: Record<string, FeedSpec> = {
    [GENERATOR_IO.inputIds]: { dtype: 'int64', data: BigInt64Array.from(tokens, BigInt), dims: [1, n] },
    [GENERATOR_IO.attentionMask]: {
      dtype: 'int64',
      data: new BigInt64Array(cache.length + n).fill(1n),
      dims: [1, cache.length + n],
    },
    [GENERATOR_IO.positionIds]: { dtype: 'int64', data: positionIds, dims: [3, 1, n] },
    [GENERATOR_IO.imageEmbeds]: {
      dtype: 'float32',
      data: imageEmbeds,
      dims: [imageEmbeds.length / config.hiddenSize, config.hiddenSize],
    },
  };
  for (let l = 0; l < config.numLayers; l++) {
    feeds[GENERATOR_IO.pastKey(l)] = cache.keys[l]!;
    feeds[GENERATOR_IO.pastValue(l)] = cache.values[l]!;
  }
  return feeds;
}
