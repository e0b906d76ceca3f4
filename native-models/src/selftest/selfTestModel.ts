/**
 * A small hand-built ONNX graph that proves onnxruntime-node loads and computes on this machine, and gives the
 * engine a real, measurable workload with no model files: `depth` rounds of y = tanh(y·W) on a size×size
 * matrix. W is a seeded orthogonal-ish matrix scaled so values neither vanish nor saturate.
 */
import { encodeModel } from '../onnx/onnx-proto';

export type SelfTestShape = Readonly<{ size: number; depth: number }>;

export const SELF_TEST_INPUT = 'x';
export const SELF_TEST_OUTPUT = 'y';

/** The seeded weight matrix W, row-major [size, size]. */
export function selfTestWeight(size: number): Float32Array {
  const weight = new Float32Array(size * size);
  let state = 0x9e3779b9;
  const scale = 1.5 / Math.sqrt(size);
  for (let i = 0; i < weight.length; i++) {
    // xorshift32: deterministic, dependency-free; only the scale matters for this workload.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    weight[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 2 * Math.sqrt(3) * scale;
  }
  return weight;
}

/** Serialised model bytes, ready for `InferenceSession.create(bytes)`. */
export function buildSelfTestModel({ size, depth }: SelfTestShape): Uint8Array {
  const weight = selfTestWeight(size);
  const nodes = [];
  let previous = SELF_TEST_INPUT;
  for (let i = 0; i < depth; i++) {
    const product = `/round.${i}/MatMul_output`;
    const out = i === depth - 1 ? SELF_TEST_OUTPUT : `/round.${i}/Tanh_output`;
    nodes.push(
      {
        opType: 'MatMul',
        name: `/round.${i}/MatMul`,
        domain: '',
        inputs: [previous, 'W'],
        outputs: [product],
        attributes: [],
      },
      {
        opType: 'Tanh',
        name: `/round.${i}/Tanh`,
        domain: '',
        inputs: [product],
        outputs: [out],
        attributes: [],
      },
    );
    previous = out;
  }
  return encodeModel({
    irVersion: 10,
    opsets: [{ domain: '', version: 23 }],
    producerName: 'qwen-edit-studio',
    producerVersion: '1',
    graph: {
      name: 'selftest',
      nodes,
      initializers: [{ name: 'W', dtype: 'float32', dims: [size, size], raw: new Uint8Array(weight.buffer) }],
      inputs: [{ name: SELF_TEST_INPUT, dtype: 'float32', dims: ['rows', size] }],
      outputs: [{ name: SELF_TEST_OUTPUT, dtype: 'float32', dims: ['rows', size] }],
    },
  });
}
