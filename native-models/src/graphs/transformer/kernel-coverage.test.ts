/**
 * Every node of the transformer and modulation graphs built for CUDA (bf16, and int8/int4 computing in
 * bfloat16) has a CUDA kernel for its element types, per the registrations table in onnx/cuda-kernels.json —
 * on the tiny config and on the real 60-layer config (built from a stub weight source: graph building reads
 * only names and shapes).
 */
import { describe, expect, it } from 'vitest';
import { uncoveredNodes } from '../../onnx';
import type { KernelTable, Precision, QuantBlockSize } from '../../onnx';
import cudaKernels from '../../onnx/cuda-kernels.json';
import { transformerTensors } from '../../config/transformer-tensors';
import { stubWeights } from '../testing/stub-weights';
import { COVERAGE_TRANSFORMERS } from '../testing/coverage-transformers';
import { transformerGraph } from './graph';
import { modulationGraph } from './modulation';

const table = cudaKernels as unknown as KernelTable;

const configs = COVERAGE_TRANSFORMERS;

const builds: [Precision, QuantBlockSize][] = [
  ['bf16', 32],
  ['int8', 64],
  ['int4', 128],
];

describe('CUDA kernel coverage of the transformer graphs', () => {
  it('the table names its source commit', () => {
    expect(cudaKernels.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(cudaKernels.provider).toBe('CUDAExecutionProvider');
  });

  for (const [config, shape] of Object.entries(configs)) {
    it.each(builds)(`${config} config, %s: every node has a CUDA kernel`, (precision, blockSize) => {
      expect(shape.numLayers).toBe(config === 'real' ? 60 : 2);
      const src = stubWeights(transformerTensors(shape));
      const precisionOptions = { precision, blockSize, compute: 'bfloat16' as const };
      const graphs = {
        transformer: transformerGraph(shape, src, {
          ...precisionOptions,
          modulation: 'inputs',
          textMask: false,
        }),
        'fused, masked transformer': transformerGraph(shape, src, precisionOptions),
        // The fallback for a release whose CUDA MultiHeadAttention lacks bfloat16.
        'float16 attention': transformerGraph(shape, src, {
          ...precisionOptions,
          modulation: 'inputs',
          textMask: false,
          attentionType: 'float16',
        }),
        modulation: modulationGraph(shape, src, precisionOptions),
      };
      for (const [name, b] of Object.entries(graphs)) {
        const view = b.view();
        expect(view.nodes.length, name).toBeGreaterThan(0);
        expect(uncoveredNodes(view, table), name).toEqual([]);
      }
    });
  }

  it('reports what a table lacks: an unknown op, and a type outside the constraint', () => {
    const shape = configs.tiny!;
    const view = transformerGraph(shape, stubWeights(transformerTensors(shape)), {
      precision: 'bf16',
    }).view();
    const withoutMha: KernelTable = {
      provider: table.provider,
      kernels: table.kernels.filter((k) => k.op !== 'MultiHeadAttention'),
    };
    expect(uncoveredNodes(view, withoutMha)).toContainEqual(
      expect.stringMatching(/^MultiHeadAttention\(com\.microsoft\) .*no CUDAExecutionProvider kernel/),
    );
    const noBf16LayerNorm: KernelTable = {
      provider: table.provider,
      kernels: table.kernels.map((k) =>
        k.op === 'LayerNormalization' ? { ...k, types: { T: ['float32', 'float16'] } } : k,
      ),
    };
    expect(
      uncoveredNodes(view, noBf16LayerNorm).some((p) => /LayerNormalization .*input 0 is bfloat16/.test(p)),
    ).toBe(true);
  });
});
