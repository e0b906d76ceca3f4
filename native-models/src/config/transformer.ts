/**
 * `transformer/config.json` of Qwen-Image(-Edit): `QwenImageTransformer2DModel`, normalised to what the
 * graph builder and the pipeline read.
 */
import { ConfigReader } from './reader';

export const TRANSFORMER_CLASS = 'QwenImageTransformer2DModel';

export type TransformerConfig = Readonly<{
  numLayers: number;
  numHeads: number;
  headDim: number;
  jointAttentionDim: number;
  inChannels: number;
  outChannels: number;
  patchSize: number;
  axesDimsRope: readonly [number, number, number];
  /**
   * Config `zero_cond_t` (Qwen-Image-Edit-2511): reference-image tokens are modulated with t = 0 (the graph's
   * `zeroCondT` option). False for Edit and Edit-2509.
   */
  zeroCondT: boolean;
}>;

/**
 * Flags of other Qwen-Image transformers (Qwen-Image-Layered) the graph builder does not implement; a config
 * that sets one is refused by name rather than built wrong.
 */
export const UNIMPLEMENTED_TRANSFORMER_FLAGS = ['use_additional_t_cond', 'use_layer3d_rope'] as const;

/** Checks `transformer/config.json`; throws naming the file and field on anything unsupported. */
export function readTransformerConfig(json: unknown, file = 'transformer/config.json'): TransformerConfig {
  const c = ConfigReader.of(file, json);
  c.expect('_class_name', TRANSFORMER_CLASS);
  c.expect('guidance_embeds', false);
  for (const flag of UNIMPLEMENTED_TRANSFORMER_FLAGS) {
    if (c.json[flag] !== undefined && c.json[flag] !== false)
      c.reject(flag, 'false: this app does not build that transformer (Qwen-Image-Layered)');
  }
  const zeroCondT = c.oneOf('zero_cond_t', [false, true], false);
  const patchSize = c.oneOf('patch_size', [2], 2);
  const outChannels = c.oneOf('out_channels', [16], 16);
  const inChannels = c.oneOf('in_channels', [outChannels * patchSize * patchSize], 64);
  const headDim = c.int('attention_head_dim', 128);
  const axes = c.ints('axes_dims_rope', [16, 56, 56]);
  if (axes.length !== 3 || axes.some((a) => a % 2 !== 0) || axes[0]! + axes[1]! + axes[2]! !== headDim) {
    c.reject('axes_dims_rope', `three even sizes summing to attention_head_dim ${headDim}`);
  }
  return {
    numLayers: c.int('num_layers', 60),
    numHeads: c.int('num_attention_heads', 24),
    headDim,
    jointAttentionDim: c.int('joint_attention_dim', 3584),
    inChannels,
    outChannels,
    patchSize,
    axesDimsRope: [axes[0]!, axes[1]!, axes[2]!],
    zeroCondT,
  };
}
