/**
 * The CPU work of writing one initializer, as plain data in and bytes out so that it can run on a worker
 * thread: widen the checkpoint's bytes, store them as the graph's dtype (transposed for MatMul weights), or
 * quantise them for MatMulNBits. Each operation acts on whole rows, so a tensor can be done a slab of rows at
 * a time and its outputs are the slabs' outputs in order.
 */
import type { DType } from '../weights';
import { bytesToF32 } from '../safetensors/dtype';
import { encodeFloats } from './dtypes';
import type { ComputeType } from './precision';
import { quantizeBlockwise } from './quantize';
import { transposeBytes } from './weights';
import type { FloatStorage } from './weights';

export type TensorOp =
  /** One output: the rows as `dtype`, or the whole [rows, cols] matrix transposed. */
  | Readonly<{ kind: 'store'; dtype: FloatStorage; transpose?: readonly [rows: number, cols: number] }>
  /** Two outputs: MatMulNBits' packed blocks and its scales (as `scales`) of rows of `k` values. */
  | Readonly<{ kind: 'quantize'; k: number; bits: 4 | 8; blockSize: number; scales: ComputeType }>;

/** A checkpoint tensor's bytes (or a slab of its rows) as stored. */
export type TensorInput = Readonly<{ bytes: Uint8Array; dtype: DType }>;

const STORAGE: Readonly<Record<DType, FloatStorage>> = { F32: 'float32', BF16: 'bfloat16', F16: 'float16' };
const ELEMENT_BYTES: Readonly<Record<FloatStorage, number>> = { float32: 4, bfloat16: 2, float16: 2 };

export function runTensorOp(op: TensorOp, input: TensorInput): Uint8Array[] {
  if (op.kind === 'store') {
    const bytes =
      STORAGE[input.dtype] === op.dtype
        ? input.bytes
        : encodeFloats(bytesToF32(input.dtype, input.bytes), op.dtype);
    if (!op.transpose) return [bytes];
    return [transposeBytes(bytes, op.transpose[0], op.transpose[1], ELEMENT_BYTES[op.dtype])];
  }
  const values = bytesToF32(input.dtype, input.bytes);
  const rows = values.length / op.k;
  const q = quantizeBlockwise(values, rows, op.k, op.bits, op.blockSize);
  return [q.packed, encodeFloats(q.scales, op.scales)];
}
