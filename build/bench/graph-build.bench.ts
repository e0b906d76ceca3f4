/**
 * Graph-builder throughput: builds the transformer graph (tiny config, and a wider 4-layer config so the
 * weights dominate) from in-memory random weights at each precision, and reports build + save time, bytes
 * written per second, and the raw speed of the weight transforms (tiled transpose, int4/int8 quantisation)
 * with what they would take for the 20.4 B-parameter transformer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTransformerGraph } from '../../native-models/src/graphs/transformer';
import { randomTransformerWeights } from '../../native-models/src/graphs/testing/transformer-reference';
import { quantizeBlockwise, transposeBytes } from '../../native-models/src/onnx';
import type { Precision } from '../../native-models/src/onnx';
import { readTransformerConfig } from '../../native-models/src/config/transformer';
import type { TransformerConfig } from '../../native-models/src/config/transformer';
import { memoryWeightSource } from '../../native-models/src/weights';
import type { BenchResult } from './run';

const REAL_PARAMS = 20.43e9;

const configs: Record<string, TransformerConfig> = {
  tiny: readTransformerConfig({
    _class_name: 'QwenImageTransformer2DModel',
    attention_head_dim: 32,
    axes_dims_rope: [8, 12, 12],
    joint_attention_dim: 48,
    num_attention_heads: 2,
    num_layers: 2,
  }),
  'wide-4L-512': readTransformerConfig({
    _class_name: 'QwenImageTransformer2DModel',
    attention_head_dim: 64,
    axes_dims_rope: [16, 24, 24],
    joint_attention_dim: 1024,
    num_attention_heads: 8,
    num_layers: 4,
  }),
};

function timeIt(fn: () => void): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

export async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'graph-build-bench-'));
  const rows: string[] = [];
  const figures: Record<string, unknown> = {};
  try {
    for (const [name, shape] of Object.entries(configs)) {
      const src = memoryWeightSource(randomTransformerWeights(shape, 7));
      for (const precision of ['fp32', 'bf16', 'int8', 'int4'] as Precision[]) {
        const started = performance.now();
        const info = await buildTransformerGraph(
          shape,
          src,
          { precision, blockSize: 32 },
          join(dir, `${name}-${precision}`),
        );
        const seconds = (performance.now() - started) / 1000;
        const mbPerS = info.saved.payloadBytes / 1e6 / seconds;
        figures[`${name}/${precision}`] = {
          seconds,
          nodes: info.saved.nodes,
          initializers: info.saved.initializers,
          modelBytes: info.saved.modelBytes,
          payloadBytes: info.saved.payloadBytes,
          dataFileBytes: info.saved.dataBytes,
          payloadMBps: mbPerS,
        };
        rows.push(
          `${name.padEnd(12)} ${precision.padEnd(5)} ${(seconds * 1000).toFixed(0).padStart(6)} ms  ${String(info.saved.nodes).padStart(5)} nodes  .onnx ${(info.saved.modelBytes / 1024).toFixed(0).padStart(4)} KiB  weights ${(info.saved.payloadBytes / 1e6).toFixed(2).padStart(7)} MB  ${mbPerS.toFixed(1).padStart(6)} MB/s`,
        );
      }
    }
    // Weight transforms at a real layer's size (img_mlp.net.0.proj: [12288, 3072]).
    const [n, k] = [12288, 3072];
    const w = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i));
    const transpose32 = timeIt(() => transposeBytes(new Uint8Array(w.buffer), n, k, 4));
    const transpose16 = timeIt(() => transposeBytes(new Uint8Array(w.buffer, 0, n * k * 2), n, k, 2));
    const q4 = timeIt(() => quantizeBlockwise(w, n, k, 4, 64));
    const q8 = timeIt(() => quantizeBlockwise(w, n, k, 8, 64));
    const perValue = (s: number) => ({
      mValuesPerS: (n * k) / s / 1e6,
      realTransformerSeconds: (REAL_PARAMS / (n * k)) * s,
    });
    figures.transforms = {
      layer: [n, k],
      transposeF32: perValue(transpose32),
      transposeBf16: perValue(transpose16),
      quantizeInt4: perValue(q4),
      quantizeInt8: perValue(q8),
    };
    rows.push('');
    rows.push(`weight transforms on a [${n}, ${k}] layer (M values/s → extrapolated for 20.4 B params):`);
    for (const [label, s] of [
      ['transpose f32', transpose32],
      ['transpose bf16', transpose16],
      ['quantize int4/64', q4],
      ['quantize int8/64', q8],
    ] as const) {
      const p = perValue(s);
      rows.push(
        `  ${label.padEnd(17)} ${p.mValuesPerS.toFixed(0).padStart(5)} M/s  → ${p.realTransformerSeconds.toFixed(0)} s`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { name: 'graph-build', figures, table: rows.join('\n') };
}
