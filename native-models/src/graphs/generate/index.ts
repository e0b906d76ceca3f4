/**
 * # Qwen2.5-VL generator graph (native-models/src/graphs/generate)
 *
 * `buildGeneratorGraph(config, weights, { tied, precision, … }, outDir)` builds the language model with a
 * key/value cache and `lm_head` on the last position: one graph for prefill and decode. The host feeds it with
 * `generatorFeeds` (cache from `emptyKvCache`, then each run's `present.*`), prefill positions from
 * `mropePositionIds` and decode positions `decodePositionIds(cacheIndex, ropeDelta(prefill, length))`, as
 * upstream's `get_rope_index` + `rope_deltas` do.
 */
export { buildGeneratorGraph, GENERATOR_IO, LM_HEAD_WEIGHT } from './graph';
export type { GeneratorGraphOptions } from './graph';
export { emptyKvCache, generatorFeeds } from './feeds';
export type { KvCache } from './feeds';
export { decodePositionIds, ropeDelta } from './positions';
