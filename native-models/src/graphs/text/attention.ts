import { linear } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';
import { maskedSoftmax } from './graph-ops';

/** `<lp>.self_attn.<name>` applied to `x` and split into heads: `[B, S, heads, head_dim]`. */
export function headProjection(
  b: GraphBuilder,
  weights: WeightSource,
  x: string,
  lp: string,
  name: string,
  heads: number,
  headDim: number,
): string {
  return b.op(
    'Reshape',
    [
      linear(b, weights, x, `${lp}.self_attn.${name}`, { quantize: true }),
      b.constant([0, 0, heads, headDim], 'int64'),
    ],
    {},
    { name: `Reshape_${name}` },
  );
}

/**
 * Causal attention over real keys, `[B, 1, 1, S, T]` for the 5-D grouped scores: query i sits at index
 * `T − S + i` (after a cache of `T − S` tokens; 0 without one) and sees keys j ≤ that index whose mask is 1.
 * `ids` is `[B, S]`, `mask` `[B, T]`.
 */
export function causalKeyMask(b: GraphBuilder, ids: string, mask: string): string {
  return b.scope('attention_mask', () => {
    const total = b.op('Gather', [b.op('Shape', [mask]), b.constant(1, 'int64')], { axis: 0 });
    const seq = b.op('Gather', [b.op('Shape', [ids]), b.constant(1, 'int64')], { axis: 0 });
    const one = b.constant(1, 'int64');
    const rows = b.op(
      'Unsqueeze',
      [b.op('Range', [b.op('Sub', [total, seq]), total, one]), b.constant([1], 'int64')],
      {},
      { name: 'Rows' },
    );
    const cols = b.op(
      'Unsqueeze',
      [b.op('Range', [b.constant(0, 'int64'), total, one]), b.constant([0], 'int64')],
      {},
      { name: 'Cols' },
    );
    const causal = b.op('LessOrEqual', [cols, rows]);
    const keys = b.op(
      'Unsqueeze',
      [b.op('Cast', [mask], { to: 9 }), b.constant([1, 2, 3], 'int64')],
      {},
      { name: 'Keys' },
    );
    return b.op('And', [causal, keys]);
  });
}

/**
 * Grouped-query attention without copying keys and values: `q [B, S, hkv·g, hd]` → `[B, hkv, g, S, hd]` against
 * `kT [B, hkv, 1, hd, T]` and `v [B, hkv, 1, T, hd]`; returns the heads merged back, `[B, S, hq·hd]`.
 */
export function groupedAttention(
  b: GraphBuilder,
  q: string,
  kT: string,
  v: string,
  allowed: string,
  shape: Readonly<{ numHeads: number; numKvHeads: number; headDim: number }>,
): string {
  const { numHeads: hq, numKvHeads: hkv, headDim: hd } = shape;
  const q5 = b.op(
    'Transpose',
    [b.op('Reshape', [q, b.constant([0, 0, hkv, hq / hkv, hd], 'int64')], {}, { name: 'GroupQ' })],
    { perm: [0, 2, 3, 1, 4] },
    { name: 'TransposeQ' },
  );
  const scores = b.op('Mul', [
    b.op('MatMul', [q5, kT], {}, { name: 'MatMulQK' }),
    b.constant(1 / Math.sqrt(hd)),
  ]);
  const o = b.op('MatMul', [maskedSoftmax(b, scores, allowed), v], {}, { name: 'MatMulV' });
  return b.op(
    'Reshape',
    [
      b.op('Transpose', [o], { perm: [0, 3, 1, 2, 4] }, { name: 'TransposeO' }),
      b.constant([0, 0, hq * hd], 'int64'),
    ],
    {},
    { name: 'ReshapeO' },
  );
}
