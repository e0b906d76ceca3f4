import type { TextConfig } from '../../config/text-encoder';
import type { GridThw } from '../vision/layout';
import { mropePositionIds } from '../text/position-ids';
import { textReference } from './text-reference';
import type { WeightMap } from './text-reference';

/**
 * Next-token logits by full recomputation in plain loops: the whole sequence (prompt + generated so far)
 * through the reference language model with positions from `get_rope_index` over the whole sequence, then
 * `lm_head` (the embedding table when tied) on the last position.
 */
export function referenceNextLogits(
  tokens: readonly number[],
  imageGrids: readonly GridThw[],
  imageEmbeds: Float32Array,
  config: TextConfig,
  weights: WeightMap,
  prefix: string,
  tied: boolean,
): Float32Array {
  const seq = tokens.length;
  const h = config.hiddenSize;
  const positions = mropePositionIds([tokens], imageGrids, 2, config);
  const hidden = textReference(
    [tokens],
    [tokens.map(() => 1)],
    positions,
    imageEmbeds,
    config,
    weights,
    prefix,
  );
  const last = hidden.subarray((seq - 1) * h, seq * h);
  const head = weights.get(tied ? `${prefix}embed_tokens.weight` : 'lm_head.weight')!.data;
  const logits = new Float32Array(config.vocabSize);
  for (let v = 0; v < config.vocabSize; v++) {
    let acc = 0;
    for (let c = 0; c < h; c++) acc += last[c]! * head[v * h + c]!;
    logits[v] = acc;
  }
  return logits;
}

/** Index of the largest value (the first on ties), as torch.argmax. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Greedy decoding by full recomputation at every step: `count` new tokens after `prompt`. */
export function referenceGreedy(
  prompt: readonly number[],
  count: number,
  imageGrids: readonly GridThw[],
  imageEmbeds: Float32Array,
  config: TextConfig,
  weights: WeightMap,
  prefix: string,
  tied: boolean,
): number[] {
  const tokens = [...prompt];
  for (let i = 0; i < count; i++) {
    tokens.push(argmax(referenceNextLogits(tokens, imageGrids, imageEmbeds, config, weights, prefix, tied)));
  }
  return tokens.slice(prompt.length);
}
