/**
 * `transformer/` of Qwen-Image(-Edit): `QwenImageTransformer2DModel`. The supported config values and the
 * parameters they imply, named and shaped exactly as in the released checkpoint.
 */
import { ConfigReader } from './config-reader';
import type { ExpectedTensor } from './expected-tensor';
import { linear, norm } from './expected-tensor';

export const TRANSFORMER_CLASS = 'QwenImageTransformer2DModel';

export type TransformerShape = Readonly<{
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
export function readTransformerConfig(json: unknown, file = 'transformer/config.json'): TransformerShape {
  const c = ConfigReader.of(file, json);
  c.expect('_class_name', TRANSFORMER_CLASS);
  c.expect('guidance_embeds', false);
  // Edit-2511's per-token timestep modulation and the other later flags are not built (yet).
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

/** Every parameter of the transformer, in the module order of the upstream class. */
export function transformerTensors(s: TransformerShape): ExpectedTensor[] {
  const d = s.numHeads * s.headDim;
  const ff = 4 * d;
  const t: ExpectedTensor[] = [
    ...linear('time_text_embed.timestep_embedder.linear_1', d, 256),
    ...linear('time_text_embed.timestep_embedder.linear_2', d, d),
    norm('txt_norm.weight', [s.jointAttentionDim]),
    ...linear('img_in', d, s.inChannels),
    ...linear('txt_in', d, s.jointAttentionDim),
  ];
  for (let i = 0; i < s.numLayers; i++) {
    const b = `transformer_blocks.${i}`;
    t.push(
      ...linear(`${b}.img_mod.1`, 6 * d, d),
      norm(`${b}.attn.norm_q.weight`, [s.headDim]),
      norm(`${b}.attn.norm_k.weight`, [s.headDim]),
      ...linear(`${b}.attn.to_q`, d, d),
      ...linear(`${b}.attn.to_k`, d, d),
      ...linear(`${b}.attn.to_v`, d, d),
      ...linear(`${b}.attn.add_k_proj`, d, d),
      ...linear(`${b}.attn.add_v_proj`, d, d),
      ...linear(`${b}.attn.add_q_proj`, d, d),
      ...linear(`${b}.attn.to_out.0`, d, d),
      ...linear(`${b}.attn.to_add_out`, d, d),
      norm(`${b}.attn.norm_added_q.weight`, [s.headDim]),
      norm(`${b}.attn.norm_added_k.weight`, [s.headDim]),
      ...linear(`${b}.img_mlp.net.0.proj`, ff, d),
      ...linear(`${b}.img_mlp.net.2`, d, ff),
      ...linear(`${b}.txt_mod.1`, 6 * d, d),
      ...linear(`${b}.txt_mlp.net.0.proj`, ff, d),
      ...linear(`${b}.txt_mlp.net.2`, d, ff),
    );
  }
  t.push(
    ...linear('norm_out.linear', 2 * d, d),
    ...linear('proj_out', s.patchSize * s.patchSize * s.outChannels, d),
  );
  return t;
}
