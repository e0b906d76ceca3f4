/**
 * `transformer/` of Qwen-Image(-Edit): the parameters its config implies, named and shaped exactly as in the
 * released checkpoint.
 */
import type { TransformerConfig } from './transformer';
import type { ExpectedTensor } from './expected-tensor';
import { linear, norm } from './expected-tensor';

/** Every parameter of the transformer, in the module order of the upstream class. */
export function transformerTensors(s: TransformerConfig): ExpectedTensor[] {
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
