import type { TextConfig } from '../../config/text-encoder';
import { mropeChannelComponents, textInvFreq } from '../text/mrope';
import { add, attention, linear, map, mul, rmsNorm, rotateHalfRope, silu } from './reference-ops';

export type WeightMap = ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;

/**
 * M-RoPE cos/sin `[B·S, head_dim]` from position ids `[3, B, S]` the way upstream builds them: angles of all
 * three components `pos·inv_freq` duplicated to head_dim, then each channel taken from its section's component.
 */
export function mropeCosSin(
  positionIds: BigInt64Array,
  batch: number,
  seq: number,
  config: TextConfig,
): { cos: Float32Array; sin: Float32Array } {
  const hd = config.headDim;
  const inv = textInvFreq(hd, config.ropeTheta);
  const comp = mropeChannelComponents(config);
  const cos = new Float32Array(batch * seq * hd);
  const sin = new Float32Array(batch * seq * hd);
  for (let t = 0; t < batch * seq; t++) {
    for (let c = 0; c < hd; c++) {
      const pos = Number(positionIds[comp[c]! * batch * seq + t]);
      const angle = Math.fround(pos * inv[c % (hd / 2)]!);
      cos[t * hd + c] = Math.cos(angle);
      sin[t * hd + c] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * One decoder layer on one sequence: `x += o_proj(attn(rope(q, k), v))` with causal + key-padding mask and GQA,
 * then `x += down(SiLU(gate(y))·up(y))`, `y = RMSNorm(x)`.
 */
export function decoderLayerReference(
  x: Float32Array,
  s: number,
  config: TextConfig,
  weights: WeightMap,
  prefix: string,
  cos: Float32Array,
  sin: Float32Array,
  keyValid: readonly boolean[],
): Float32Array {
  const w = (name: string) => weights.get(prefix + name)!.data;
  const h = config.hiddenSize;
  const d = config.headDim;
  const hq = config.numHeads;
  const hkv = config.numKvHeads;
  const normed = rmsNorm(x, h, w('input_layernorm.weight'), config.rmsNormEps);
  const q = rotateHalfRope(
    linear(normed, s, h, w('self_attn.q_proj.weight'), hq * d, w('self_attn.q_proj.bias')),
    s,
    hq,
    d,
    cos,
    sin,
  );
  const k = rotateHalfRope(
    linear(normed, s, h, w('self_attn.k_proj.weight'), hkv * d, w('self_attn.k_proj.bias')),
    s,
    hkv,
    d,
    cos,
    sin,
  );
  const v = linear(normed, s, h, w('self_attn.v_proj.weight'), hkv * d, w('self_attn.v_proj.bias'));
  const o = attention(q, k, v, s, hq, hkv, d, (i, j) => j <= i && keyValid[j]!);
  const x1 = add(x, linear(o, s, hq * d, w('self_attn.o_proj.weight'), h));
  const m = rmsNorm(x1, h, w('post_attention_layernorm.weight'), config.rmsNormEps);
  const inter = config.intermediateSize;
  const gate = map(linear(m, s, h, w('mlp.gate_proj.weight'), inter), silu);
  const up = linear(m, s, h, w('mlp.up_proj.weight'), inter);
  return add(x1, linear(mul(gate, up), s, inter, w('mlp.down_proj.weight'), h));
}

/**
 * The language model body in plain loops: embeddings, image features written over the image-pad positions in
 * order (row-major over batch and sequence), decoder layers, final RMSNorm → `[B, S, hidden]`.
 */
export function textReference(
  inputIds: readonly (readonly number[])[],
  attentionMask: readonly (readonly number[])[],
  positionIds: BigInt64Array,
  imageEmbeds: Float32Array,
  config: TextConfig,
  weights: WeightMap,
  prefix: string,
): Float32Array {
  const batch = inputIds.length;
  const seq = inputIds[0]!.length;
  const h = config.hiddenSize;
  const table = weights.get(`${prefix}embed_tokens.weight`)!.data;
  const { cos, sin } = mropeCosSin(positionIds, batch, seq, config);
  const out = new Float32Array(batch * seq * h);
  let image = 0;
  for (let b = 0; b < batch; b++) {
    let x: Float32Array = new Float32Array(seq * h);
    for (let s = 0; s < seq; s++) {
      const id = inputIds[b]![s]!;
      const row =
        id === config.imageTokenId
          ? imageEmbeds.subarray(image * h, ++image * h)
          : table.subarray(id * h, (id + 1) * h);
      x.set(row, s * h);
    }
    const rows = (t: Float32Array) => t.subarray(b * seq * config.headDim, (b + 1) * seq * config.headDim);
    const valid = attentionMask[b]!.map((m) => m === 1);
    for (let l = 0; l < config.numLayers; l++) {
      x = decoderLayerReference(
        x,
        seq,
        config,
        weights,
        `${prefix}layers.${l}.`,
        rows(cos),
        rows(sin),
        valid,
      );
    }
    out.set(rmsNorm(x, h, weights.get(`${prefix}norm.weight`)!.data, config.rmsNormEps), b * seq * h);
  }
  return out;
}
