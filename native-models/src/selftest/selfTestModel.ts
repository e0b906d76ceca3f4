/**
 * A small hand-built ONNX graph that proves onnxruntime-node loads and computes on this machine, and gives the
 * engine a real, measurable workload with no model files: `depth` rounds of y = tanh(y·W) on a size×size
 * matrix. W is a seeded orthogonal-ish matrix scaled so values neither vanish nor saturate.
 */
import { encodeModel } from '../onnx/onnx-proto';
import { TensorRandom } from '../tiny/prng';

export type SelfTestShape = Readonly<{ size: number; depth: number }>;

export const SELF_TEST_INPUT = 'x';
export const SELF_TEST_OUTPUT = 'y';

/** The seeded weight matrix W, row-major [size, size]. */
export function selfTestWeight(size: number): Float32Array {
  // Unit-variance uniform values (±√3) times the scale; only the scale matters for this workload.
  const rng = new TensorRandom(0, 'self-test');
  const scale = (1.5 / Math.sqrt(size)) * 2 * Math.sqrt(3);
  return Float32Array.from({ length: size * size }, () => (rng.uniform() - 0.5) * scale);
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
