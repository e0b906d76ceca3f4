/**
 * # Qwen2.5-VL language-model graph (native-models/src/graphs/text)
 *
 * `buildTextGraph(config, weights, { precision, blockSize, compute }, outDir)` builds the language-model body
 * returning the final-normed hidden state (upstream `hidden_states[-1]`). The host prepares its inputs with
 * `textGraphFeeds(tokenRows, imageGrids, imageEmbeds, config, spatialMergeSize, mask?)`, which computes the
 * M-RoPE position ids (`mropePositionIds`, upstream `get_rope_index`). Checkpoint names: `model.language_model.*`
 * or the older `model.*` (and `model.visual.*` / `visual.*` for the vision tower), see `detectPrefixes`.
 */
export { buildTextGraph, TEXT_IO } from './graph';
export type { TextGraphOptions } from './graph';
export { textGraphFeeds } from './feeds';
export { mropePositionIds } from './position-ids';
export type { MropeTokenIds } from './position-ids';
export { textInvFreq, mropeChannelComponents } from './mrope';
export { detectPrefixes, CURRENT_PREFIXES, LEGACY_PREFIXES } from './parameters';
export type { Qwen25VLPrefixes } from './parameters';
export { embedWithImages } from './embed';
export { mropeTables } from './rotary';
export { gatedMlp } from './mlp';
export { maskedSoftmax, rotateHalfRope } from './graph-ops';
