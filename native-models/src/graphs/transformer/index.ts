/**
 * # QwenImageTransformer2DModel as ONNX (one denoising forward)
 *
 * ```ts
 * const shape = readTransformerConfig(JSON.parse(configJson));            // config/transformer
 * const info = await buildTransformerGraph(shape, weights, { precision: 'int4', blockSize: 64 }, outDir);
 * // outDir/transformer.onnx + transformer.onnx.data; info.inputs / info.outputs / info.saved for model.json
 * const rope = qwenImageRopeTables({ axesDims: shape.axesDimsRope, images: [[1, h, w], [1, hr, wr]], textTokens: L });
 * ```
 *
 * Inputs (float32; dims `batch`, `image_tokens`, `text_tokens` are dynamic, so any resolution and image count
 * runs without a rebuild): `hidden_states` `[batch, image_tokens, 64]` (noise tokens then reference tokens),
 * `encoder_hidden_states` `[batch, text_tokens, joint_attention_dim]`, `encoder_hidden_states_mask`
 * `[batch, text_tokens]` (1 keep / 0 pad; absent with `textMask: false`), `timestep` `[batch]` (σ = t/1000),
 * `img_rope_cos`/`img_rope_sin` `[image_tokens, head_dim/2]`, `txt_rope_cos`/`txt_rope_sin`
 * `[text_tokens, head_dim/2]`, and with `zeroCondT` `modulate_index` `[batch, image_tokens]`.
 * Output: `sample` `[batch, image_tokens, 64]` float32, the velocity of every image-stream token (keep the
 * first N_img).
 *
 * Options: `precision` fp32 | bf16 | int8 | int4 (int8/int4 quantise every Linear inside the blocks with
 * MatMulNBits; embedders, norm_out and proj_out stay dense), `blockSize`, `compute` (bfloat16 for GPU int8/int4),
 * `attention` 'mha' (default, com.microsoft MultiHeadAttention) | 'matmul', `textMask`, `zeroCondT`,
 * `modulation` 'fused' (default) | 'inputs' (the AdaLN parameters come from the separate modulation graph,
 * `buildModulationGraph`, run once per edit for all timesteps; the transformer then holds none of those weights).
 */
export { buildTransformerGraph, transformerGraph, TRANSFORMER_INPUTS, TRANSFORMER_OUTPUT } from './graph';
export type { TransformerGraphInfo, TransformerGraphOptions } from './graph';
export { qwenImageRopeTables, axisFrequencies, centredPosition } from './rope';
export type { ImageGrid, RopeTableOptions, RopeTables } from './rope';
export { timestepFrequencies } from './timestep';
export { buildModulationGraph, modulationGraph, MODULATION_IO } from './modulation';
export type { ModulationGraphInfo } from './modulation';
export type { AttentionKind } from './context';
