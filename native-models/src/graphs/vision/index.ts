/**
 * # Qwen2.5-VL vision graph (native-models/src/graphs/vision)
 *
 * `buildVisionGraph(config, weights, { precision }, outDir)` builds the ViT + patch merger; the host computes
 * its grid-dependent inputs with `visionGraphFeeds(pixelValues, grids, config)` (window permutation, window /
 * frame segment ids for the block-diagonal masks, 2-D rotary cos/sin tables — upstream's `rot_pos_emb` and
 * `get_window_index`). Output `image_embeds [patches/4, out_hidden_size]`, merged tokens in processor order,
 * ready for the text graph's `image_embeds` input.
 */
export { buildVisionGraph, VISION_IO } from './graph';
export type { VisionGraphOptions } from './graph';
export { visionGraphFeeds } from './feeds';
export type { FeedSpec } from './feeds';
export {
  visionLayout,
  visionWindowLayout,
  visionRotaryTables,
  visionPatchPositions,
  visionInvFreq,
} from './layout';
export type { GridThw, VisionLayout } from './layout';
