import { castIfNeeded } from '../../onnx';
import type { GraphBuilder } from '../../onnx';

/** torch.finfo(float32).min: what upstream puts at masked score positions (finite, so no NaN rows). */
export const MASKED_SCORE = -3.4028234663852886e38;

/**
 * Rotate-half rotary on the last axis: `x·cos + [−x₂, x₁]·sin` (x₁, x₂ = first and second half of the head),
 * with `cos`/`sin` already broadcastable to `x` and of the same element type.
 */
export function rotateHalfRope(
  b: GraphBuilder,
  x: string,
  cos: string,
  sin: string,
  headDim: number,
  name: string,
): string {
  return b.scope(name, () => {
    const [x1, x2] = b.node(
      'Split',
      [x, b.constant([headDim / 2, headDim / 2], 'int64')],
      { axis: -1 },
      { outputs: 2 },
    ) as [string, string];
    const rotated = b.op('Concat', [b.op('Neg', [x2]), x1], { axis: -1 });
    return b.op('Add', [
      b.op('Mul', [x, cos], {}, { name: 'MulCos' }),
      b.op('Mul', [rotated, sin], {}, { name: 'MulSin' }),
    ]);
  });
}

/**
 * Softmax over the last axis in float32 where `allowed` (bool, broadcastable) is true; disallowed positions
 * get {@link MASKED_SCORE} as upstream's additive masks do. Returns probabilities in the compute type.
 */
export function maskedSoftmax(b: GraphBuilder, scores: string, allowed: string | undefined): string {
  const f32 = castIfNeeded(b, scores, b.compute, 'float32', 'CastScores');
  const masked = allowed
    ? b.op('Where', [allowed, f32, b.constant(MASKED_SCORE, 'float32')], {}, { name: 'Mask' })
    : f32;
  const probs = b.op('Softmax', [masked], { axis: -1 });
  return castIfNeeded(b, probs, 'float32', b.compute, 'CastProbs');
}

/** `allowed[i, j] = ids[i] == ids[j]` for a 1-D segment-id tensor: block-diagonal attention. */
export function sameSegment(b: GraphBuilder, ids: string, name: string): string {
  return b.scope(name, () => {
    const rows = b.op('Unsqueeze', [ids, b.constant([1], 'int64')], {}, { name: 'Rows' });
    const cols = b.op('Unsqueeze', [ids, b.constant([0], 'int64')], {}, { name: 'Cols' });
    return b.op('Equal', [rows, cols]);
  });
}
