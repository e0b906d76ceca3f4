/**
 * The QwenImageTransformer2DModel graph builder (one denoising forward) and its host-side RoPE tables.
 * See graph.ts for the exact I/O names and shapes.
 */
export { buildTransformerGraph, transformerGraph, TRANSFORMER_INPUTS, TRANSFORMER_OUTPUT } from './graph';
export type { TransformerGraphInfo, TransformerGraphOptions } from './graph';
export { qwenImageRopeTables, axisFrequencies, centredPosition } from './rope';
export type { ImageGrid, RopeTableOptions, RopeTables } from './rope';
export { timestepFrequencies } from './timestep';
export type { AttentionKind } from './context';
