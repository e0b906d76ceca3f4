/**
 * Real-width transformer figures (issue 14): one block of the released width (24 heads × 128 = 3072,
 * joint_attention_dim 3584) built by the project's builder with random weights.
 *
 * - Weight bytes per precision of the fused transformer, the transformer without modulation and the
 *   modulation graph, for one block and for the real 60-layer config (built from a stub source: no data).
 * - The modulation split checked on the full-width block: split output vs fused output (fp32, max rel diff).
 * - CPU time of one forward per variant (masked / mask-free attention, modulation in / out, int8 / int4 at
 *   accuracy_level 0 and 4) beside a plain ORT MatMul of the block's linear shapes in the same run, as
 *   GFLOP/s and as a ratio to that MatMul. `FULLWIDTH_TOKENS=<image>,<text>` sets the sequence (image = 2 square grids; default
 *   288,32: this shared 2-core machine cannot time 1024² = 8192 image tokens per variant in minutes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TransformerConfig } from '../../native-models/src/config/transformer';
import { transformerTensors } from '../../native-models/src/config/transformer-tensors';
import { stubWeights } from '../../native-models/src/graphs/testing/stub-weights';
import {
  modulationGraph,
  transformerGraph,
  TRANSFORMER_OUTPUT,
} from '../../native-models/src/graphs/transformer';
import type { TransformerGraphOptions } from '../../native-models/src/graphs/transformer';
import { GraphBuilder, byteLength } from '../../native-models/src/onnx';
import type { Precision } from '../../native-models/src/onnx';
import { maxRelativeDiff } from '../../native-models/src/testing/compare';
import { seededRandom, uniformArray } from '../../native-models/src/testing/seeded';
import type { WeightSource } from '../../native-models/src/weights';
import {
  blockFlops,
  fullWidthBlockFeeds,
  fullWidthBlockWeights,
  fullWidthConfig as config,
} from './fullwidth-block';
import type { BenchResult } from './run';

const weightBytes = (b: GraphBuilder) =>
  b.view().initializers.reduce((sum, i) => sum + byteLength(i.dtype, i.dims), 0);

const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

function bytesTable(figures: Record<string, unknown>, rows: string[]): void {
  for (const [label, shape] of [
    ['1 block', config(1)],
    ['60 layers', config(60)],
  ] as const) {
    const src = stubWeights(transformerTensors(shape));
    for (const precision of ['bf16', 'int8', 'int4'] as Precision[]) {
      const options = { precision, blockSize: 64 as const };
      const fused = weightBytes(transformerGraph(shape, src, options));
      const split = weightBytes(transformerGraph(shape, src, { ...options, modulation: 'inputs' }));
      const mod = weightBytes(modulationGraph(shape, src, options));
      const smaller = 1 - split / fused;
      figures[`bytes/${label}/${precision}`] = { fused, split, modulation: mod, smaller };
      rows.push(
        `${label.padEnd(9)} ${precision.padEnd(5)} fused ${gb(fused).padStart(9)}  without modulation ${gb(split).padStart(9)} (${(100 * smaller).toFixed(1)} % smaller)  modulation graph ${gb(mod).padStart(9)}`,
      );
    }
  }
}

type Variant = Readonly<{ name: string; options: TransformerGraphOptions; accuracyLevel?: 0 | 4 }>;

const VARIANTS: readonly Variant[] = [
  { name: 'fp32 masked, modulation in', options: { precision: 'fp32' } },
  { name: 'fp32 mask-free, modulation in', options: { precision: 'fp32', textMask: false } },
  {
    name: 'fp32 mask-free, modulation out',
    options: { precision: 'fp32', textMask: false, modulation: 'inputs' },
  },
  ...(['int8', 'int4'] as const).flatMap((precision) =>
    ([0, 4] as const).map((accuracyLevel) => ({
      name: `${precision} acc ${accuracyLevel}, mask-free, modulation out`,
      options: {
        precision,
        blockSize: 32,
        accuracyLevel,
        textMask: false,
        modulation: 'inputs',
      } as TransformerGraphOptions,
    })),
  ),
];

async function session(b: GraphBuilder, dir: string): Promise<ort.InferenceSession> {
  const saved = await b.save(dir);
  return ort.InferenceSession.create(saved.modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, (performance.now() - t) / 1000];
}

async function forwardTimes(
  shape: TransformerConfig,
  src: WeightSource,
  dir: string,
  imageTokens: number,
  textTokens: number,
  figures: Record<string, unknown>,
  rows: string[],
): Promise<void> {
  const D = shape.numHeads * shape.headDim;
  const rng = seededRandom(4);
  const { feeds: base, modulationSeconds } = await fullWidthBlockFeeds(
    shape,
    src,
    imageTokens,
    textTokens,
    async (graph) => (await graph.save(join(dir, 'mod'))).modelPath,
  );
  figures.modulationSecondsOneBlockOneStep = modulationSeconds;

  // The block's linears, as a plain MatMul of the same shapes ([T, D] × [D, D] and the 4× MLP pair).
  const tokens = imageTokens + textTokens;
  const mm = new GraphBuilder({ name: 'matmul' });
  const x = mm.input('x', 'float32', [tokens, D]);
  const w = mm.tensorConstant(uniformArray(D * 4 * D, rng, 0.02), 'float32', [D, 4 * D]);
  mm.output(mm.op('MatMul', [x, w]), 'y', 'float32', [tokens, 4 * D]);
  const mmSession = await session(mm, join(dir, 'matmul'));
  const mmFeeds = { x: new ort.Tensor('float32', uniformArray(tokens * D, rng), [tokens, D]) };
  await mmSession.run(mmFeeds);
  const [, mmSeconds] = await timed(() => mmSession.run(mmFeeds));
  await mmSession.release();
  const peak = (2 * tokens * D * 4 * D) / mmSeconds / 1e9;
  figures.matmulGflops = peak;
  rows.push(`plain MatMul [${tokens}, ${D}]×[${D}, ${4 * D}]: ${peak.toFixed(1)} GFLOP/s`);

  // Linear FLOPs of one block (attention q/k/v/out ×2 streams, MLP ×2 streams) plus the attention itself.
  const flops = blockFlops(tokens, D);
  let fused: Float32Array | undefined;
  let split: Float32Array | undefined;
  for (const v of VARIANTS) {
    const s = await session(transformerGraph(shape, src, v.options), join(dir, v.name.replace(/\W+/g, '-')));
    const feeds = Object.fromEntries(s.inputNames.map((n) => [n, base[n]!]));
    const [first] = await timed(() => s.run(feeds));
    const [, seconds] = await timed(() => s.run(feeds));
    await s.release();
    const out = first[TRANSFORMER_OUTPUT]!.data as Float32Array;
    if (v.name === 'fp32 mask-free, modulation in') fused = out;
    if (v.name === 'fp32 mask-free, modulation out') split = out;
    const gflops = flops / seconds / 1e9;
    figures[`forward/${v.name}`] = { seconds, gflops, ofMatmul: gflops / peak };
    rows.push(
      `${v.name.padEnd(42)} ${seconds.toFixed(2).padStart(7)} s  ${gflops.toFixed(1).padStart(6)} GFLOP/s  ${(gflops / peak).toFixed(2)}× MatMul`,
    );
  }
  if (fused && split) {
    const rel = maxRelativeDiff(split, fused);
    figures.splitVsFusedMaxRel = rel;
    rows.push(`modulation split vs fused on the full-width block: max rel diff ${rel.toExponential(2)}`);
  }
}

/**
 * The modulation graph's cost per edit where the low-memory policy puts it (the CPU): one run for all
 * timesteps of an edit (M = steps), one full-width block's weights, fp32 and int8 (accuracy 4), extrapolated
 * to the released 60 blocks (the time is a GEMM over each block's AdaLN weights, linear in the blocks).
 */
async function modulationPerEdit(
  shape: TransformerConfig,
  src: WeightSource,
  dir: string,
  figures: Record<string, unknown>,
  rows: string[],
): Promise<void> {
  rows.push('modulation graph on the CPU, all timesteps of an edit in one run (1 block → ×60 blocks):');
  for (const options of [
    { precision: 'fp32' },
    { precision: 'int8', blockSize: 64, accuracyLevel: 4 },
  ] as const) {
    const s = await session(modulationGraph(shape, src, options), join(dir, `mod-${options.precision}`));
    for (const steps of [8, 50]) {
      const sigmas = Float32Array.from({ length: steps }, (_, i) => 1 - i / steps);
      const feeds = { timestep: new ort.Tensor('float32', sigmas, [steps]) };
      await s.run(feeds);
      const [, seconds] = await timed(() => s.run(feeds));
      figures[`modulation/${options.precision}/${steps} steps`] = {
        oneBlock: seconds,
        sixtyBlocks: seconds * 60,
      };
      rows.push(
        `  ${options.precision.padEnd(5)} ${String(steps).padStart(2)} steps: ${(seconds * 1000).toFixed(1).padStart(7)} ms per block → ${(seconds * 60).toFixed(2)} s per edit for 60 blocks`,
      );
    }
    await s.release();
  }
}

export async function run(): Promise<BenchResult> {
  const [imageTokens, textTokens] = (process.env.FULLWIDTH_TOKENS ?? '288,32').split(',').map(Number) as [
    number,
    number,
  ];
  const figures: Record<string, unknown> = {
    load: loadavg(),
    tokens: { image: imageTokens, text: textTokens },
  };
  const rows: string[] = [
    `machine load (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  ];
  bytesTable(figures, rows);
  const dir = await mkdtemp(join(tmpdir(), 'fullwidth-bench-'));
  try {
    const shape = config(1);
    const src = fullWidthBlockWeights(shape);
    await forwardTimes(shape, src, dir, imageTokens, textTokens, figures, rows);
    await modulationPerEdit(shape, src, dir, figures, rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  rows.push(
    `machine load after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  return { name: 'fullwidth', figures, table: rows.join('\n') };
}
