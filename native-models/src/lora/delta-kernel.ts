/**
 * `W + Σ factor·B·A` for one weight, in float32 on ONNX Runtime's CPU GEMM: a 3072×12288 weight with a
 * rank-64 adapter is 2.4 GFLOP, minutes in plain JS for a whole model but seconds in MLAS. One small
 * session (a single Gemm, dynamic shapes) is created per process and reused.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/onnx-proto';
import { IR_VERSION, OPSET } from '../onnx/graph-builder';
import { transposeBytes } from '../onnx/weights';

let session: Promise<ort.InferenceSession> | undefined;

function gemmSession(): Promise<ort.InferenceSession> {
  const model = encodeModel({
    irVersion: IR_VERSION,
    opsets: [{ domain: '', version: OPSET }],
    producerName: 'qwen-edit lora',
    producerVersion: '1',
    graph: {
      name: 'lora_delta',
      nodes: [
        {
          opType: 'Gemm',
          name: 'gemm',
          domain: '',
          inputs: ['x', 'y', 'base'],
          outputs: ['fused'],
          attributes: [],
        },
      ],
      initializers: [],
      inputs: [
        { name: 'x', dtype: 'float32', dims: ['rows', 'rank'] },
        { name: 'y', dtype: 'float32', dims: ['rank', 'cols'] },
        { name: 'base', dtype: 'float32', dims: ['rows', 'cols'] },
      ],
      outputs: [{ name: 'fused', dtype: 'float32', dims: ['rows', 'cols'] }],
    },
  });
  session ??= ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
  });
  return session;
}

/** A low-rank update of a `[rows, cols]` weight: `x` is `[rows, rank]`, `y` is `[rank, cols]`. */
export type LowRank = Readonly<{ x: Float32Array; y: Float32Array; rank: number }>;

/** `base + Σ x·y` (row-major `[rows, cols]`), the ranks of all terms stacked into one GEMM. */
export async function addLowRank(
  base: Float32Array,
  rows: number,
  cols: number,
  terms: readonly LowRank[],
): Promise<Float32Array> {
  if (base.length !== rows * cols)
    throw new Error(`addLowRank: ${base.length} values is not ${rows}×${cols}`);
  if (terms.length === 0) return base;
  const rank = terms.reduce((n, t) => n + t.rank, 0);
  const x = new Float32Array(rows * rank);
  const y = new Float32Array(rank * cols);
  let column = 0;
  for (const t of terms) {
    for (let i = 0; i < rows; i++) x.set(t.x.subarray(i * t.rank, (i + 1) * t.rank), i * rank + column);
    y.set(t.y, column * cols);
    column += t.rank;
  }
  const s = await gemmSession();
  const out = await s.run({
    x: new ort.Tensor('float32', x, [rows, rank]),
    y: new ort.Tensor('float32', y, [rank, cols]),
    base: new ort.Tensor('float32', base, [rows, cols]),
  });
  return out.fused!.data as Float32Array;
}

/** Row-major transpose of a `[rows, cols]` float32 matrix. */
export function transposeF32(m: Float32Array, rows: number, cols: number): Float32Array {
  const bytes = transposeBytes(new Uint8Array(m.buffer, m.byteOffset, m.byteLength), rows, cols, 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, m.length);
}

/** `m · factor`. */
export function scaled(m: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i]! * factor;
  return out;
}
