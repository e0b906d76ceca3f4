import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runOnce } from '../onnx/testing/runOnce';
import { buildSelfTestModel, selfTestWeight, SELF_TEST_INPUT, SELF_TEST_OUTPUT } from './selfTestModel';

describe('self-test model', () => {
  it('loads in onnxruntime and computes tanh(x·W) rounds like a plain loop does', async () => {
    const size = 8;
    const depth = 3;
    const bytes = buildSelfTestModel({ size, depth });
    const x = Float32Array.from({ length: 2 * size }, (_, i) => Math.sin(i));
    const { [SELF_TEST_OUTPUT]: y } = await runOnce(bytes, {
      [SELF_TEST_INPUT]: new ort.Tensor('float32', x, [2, size]),
    });
    const w = selfTestWeight(size);
    let cur = x;
    for (let d = 0; d < depth; d++) {
      const next = new Float32Array(2 * size);
      for (let r = 0; r < 2; r++)
        for (let c = 0; c < size; c++) {
          let s = 0;
          for (let k = 0; k < size; k++) s += cur[r * size + k]! * w[k * size + c]!;
          next[r * size + c] = Math.tanh(s);
        }
      cur = next;
    }
    const got = y!.data as Float32Array;
    expect(y!.dims).toEqual([2, size]);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - cur[i]!)).toBeLessThan(1e-5);
    expect(Math.max(...got.map(Math.abs))).toBeGreaterThan(0.05);
  });
});
