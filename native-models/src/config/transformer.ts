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
}>;

/** Checks `transformer/config.json`; throws naming the file and field on anything unsupported. */
export function readTransformerConfig(json: unknown, file = 'transformer/config.json'): TransformerConfig {
  const c = ConfigReader.of(file, json);
  c.expect('_class_name', TRANSFORMER_CLASS);
  c.expect('guidance_embeds', false);
  // The Plus (2509/2511) flags are refused until the graph builds them; each will become a field here.
  c.expect('zero_cond_t', false);
  c.expect('use_additional_t_cond', false);
  c.expect('use_layer3d_rope', false);
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
  };
}
