/**
 * Joint attention of one dual-stream block (spec §7.3 step 2; diffusers `QwenDoubleStreamAttnProcessor2_0`):
 * separate q/k/v projections per stream, per-head QK RMSNorm, RoPE on interleaved pairs, one softmax attention
 * over the sequence [text, image] with a key-padding bias, split back, separate output projections.
 */
import { MS_DOMAIN, attr, castIfNeeded, linear, rmsNorm } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import type { JointInputs, TransformerContext } from './context';

/** Score given to padding keys: exp underflows to exactly 0 in fp32 and bf16. */
export const MASKED_SCORE = -1e30;

const INT64_MAX = 9223372036854775807n;

/**
 * Rotates interleaved pairs `(x[2p], x[2p+1])` of `x` `[B, T, H, Dh]` by the angles of row t of the float32
 * tables `cos`, `sin` `[T, Dh/2]` (complex multiplication, in float32 as upstream), with one fused
 * com.microsoft RotaryEmbedding (interleaved; position t reads row t). Returns `[B, T, H·Dh]`.
 */
export function applyRope(b: GraphBuilder, x: string, cos: string, sin: string): string {
  return b.scope('rope', () => {
    const xf = castIfNeeded(b, merge(b, x), b.compute, 'float32');
    // position_ids of shape [1] give token s the position ids[0] + s.
    const y = b.op(
      'RotaryEmbedding',
      [xf, b.constant([0], 'int64'), cos, sin],
      { interleaved: 1 },
      { domain: MS_DOMAIN },
    );
    return castIfNeeded(b, y, 'float32', b.compute);
  });
}

/** `[B, T, H, Dh]` → `[B, T, H·Dh]`. */
function merge(b: GraphBuilder, x: string): string {
  return b.op('Reshape', [x, b.constant([0, 0, -1], 'int64')], {}, { name: 'MergeHeads' });
}

function heads(ctx: TransformerContext, x: string): string {
  const { b, shape } = ctx;
  return b.op(
    'Reshape',
    [x, b.constant([0, 0, shape.numHeads, shape.headDim], 'int64')],
    {},
    { name: 'SplitHeads' },
  );
}

/**
 * Returns `[imageOut, textOut]` (`[B, S, D]`, `[B, L, D]`) for block `prefix` (`transformer_blocks.N`) from the
 * modulated streams.
 */
export function jointAttention(
  ctx: TransformerContext,
  prefix: string,
  image: string,
  text: string,
  joint: JointInputs,
): [string, string] {
  const { b, src, shape } = ctx;
  const p = `${prefix}.attn`;
  return b.scope('attn', () => {
    const eps = 1e-6;
    const qImg = rmsNorm(
      b,
      src,
      heads(ctx, linear(b, src, image, `${p}.to_q`, { quantize: true })),
      `${p}.norm_q.weight`,
      eps,
    );
    const kImg = rmsNorm(
      b,
      src,
      heads(ctx, linear(b, src, image, `${p}.to_k`, { quantize: true })),
      `${p}.norm_k.weight`,
      eps,
    );
    const vImg = heads(ctx, linear(b, src, image, `${p}.to_v`, { quantize: true }));
    const qTxt = rmsNorm(
      b,
      src,
      heads(ctx, linear(b, src, text, `${p}.add_q_proj`, { quantize: true })),
      `${p}.norm_added_q.weight`,
      eps,
    );
    const kTxt = rmsNorm(
      b,
      src,
      heads(ctx, linear(b, src, text, `${p}.add_k_proj`, { quantize: true })),
      `${p}.norm_added_k.weight`,
      eps,
    );
    const vTxt = heads(ctx, linear(b, src, text, `${p}.add_v_proj`, { quantize: true }));
    // [B, T, H·Dh] after RoPE.
    const q = applyRope(
      b,
      b.op('Concat', [qTxt, qImg], { axis: 1 }, { name: 'ConcatQ' }),
      joint.ropeCos,
      joint.ropeSin,
    );
    const k = applyRope(
      b,
      b.op('Concat', [kTxt, kImg], { axis: 1 }, { name: 'ConcatK' }),
      joint.ropeCos,
      joint.ropeSin,
    );
    const v = b.op('Concat', [vTxt, vImg], { axis: 1 }, { name: 'ConcatV' });
    const keys = joint.keys;
    const half = ctx.attentionType === 'float16';
    const toAttention = (x: string, name: string) =>
      half ? castIfNeeded(b, x, b.compute, 'float16', name) : x;
    const fromAttention = (x: string) => (half ? castIfNeeded(b, x, 'float16', b.compute, 'CastOut') : x);
    const out =
      keys.kind === 'mha'
        ? fromAttention(
            b.op(
              'MultiHeadAttention',
              [
                toAttention(q, 'CastQ'),
                toAttention(k, 'CastK'),
                toAttention(merge(b, v), 'CastV'),
                ...(keys.keyPaddingMask ? ['', keys.keyPaddingMask] : []),
              ],
              {
                num_heads: shape.numHeads,
                scale: attr.float(1 / Math.sqrt(shape.headDim)),
                mask_filter_value: attr.float(MASKED_SCORE),
              },
              { domain: MS_DOMAIN },
            ),
          )
        : b.scope('sdpa', () => {
            const qh = b.op('Mul', [
              b.op('Transpose', [heads(ctx, q)], { perm: [0, 2, 1, 3] }),
              b.constant(1 / Math.sqrt(shape.headDim)),
            ]);
            const kh = b.op('Transpose', [heads(ctx, k)], { perm: [0, 2, 3, 1] });
            const vh = b.op('Transpose', [v], { perm: [0, 2, 1, 3] });
            const raw = b.op('MatMul', [qh, kh]);
            const scores = keys.keyBias ? b.op('Add', [raw, keys.keyBias]) : raw;
            const o = b.op('MatMul', [b.op('Softmax', [scores], { axis: -1 }), vh]);
            return merge(b, b.op('Transpose', [o], { perm: [0, 2, 1, 3] }));
          });
    const axis = b.constant([1], 'int64');
    const txtOut = b.op(
      'Slice',
      [out, b.constant([0], 'int64'), joint.textLength, axis],
      {},
      { name: 'SliceText' },
    );
    const imgOut = b.op(
      'Slice',
      [out, joint.textLength, b.tensorConstant(new BigInt64Array([INT64_MAX]), 'int64', [1]), axis],
      {},
      { name: 'SliceImage' },
    );
    return [
      linear(b, src, imgOut, `${p}.to_out.0`, { quantize: true }),
      linear(b, src, txtOut, `${p}.to_add_out`, { quantize: true }),
    ];
  });
}
