/**
 * LoRA fusion at load time on full-width (3072) transformer blocks: a model folder of 1 or 2 real-width
 * blocks (random weights, fp32 or bf16) and a rank-64 LoRA on every Linear of every block, as the Lightning
 * LoRAs have. Each case runs in its own child process, so its peak RSS is its own: the time to fuse (read
 * the graph's data file, patch every adapted weight), per GB of weights, and the host RSS during fusion and
 * after the CPU session is created from it (fp32 only: ORT's CPU provider lacks bf16 kernels).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run';

const self = fileURLToPath(import.meta.url);
const RANK = 64;
const REAL_TRANSFORMER_GB = 40.86;

type Case = Readonly<{ label: string; precision: 'fp32' | 'bf16'; layers: number }>;
const CASES: readonly Case[] = [
  { label: '1 block, fp32', precision: 'fp32', layers: 1 },
  { label: '1 block, bf16', precision: 'bf16', layers: 1 },
  { label: '2 blocks, bf16', precision: 'bf16', layers: 2 },
];

type ChildResult = {
  weightBytes: number;
  patchedBytes: number;
  tensors: number;
  fuseSeconds: number;
  baselineRssMB: number;
  fusionPeakRssMB: number;
  sessionSeconds: number | null;
  sessionPeakRssMB: number | null;
};

/** Builds the case's model folder and LoRA file (in the parent: its memory is not measured). */
async function prepare(dir: string, c: Case): Promise<{ model: string; lora: string }> {
  const { readTransformerConfig } = await import('../../native-models/src/config/transformer');
  const { transformerTensors } = await import('../../native-models/src/config/transformer-tensors');
  const { transformerGraph, modulationGraph } = await import('../../native-models/src/graphs/transformer');
  const { seededRandom, uniformArray } = await import('../../native-models/src/testing/seeded');
  const { randomAdapters, writeTestLora } = await import('../../native-models/src/lora/testing/test-loras');
  const shape = readTransformerConfig({ _class_name: 'QwenImageTransformer2DModel', num_layers: c.layers });
  const tensors = transformerTensors(shape);
  // Tensors made when the builder reaches them, so the parent never holds the whole model either.
  const src = {
    names: () => tensors.map((t) => t.name),
    has: (name: string) => tensors.some((t) => t.name === name),
    info: (name: string) => ({ dtype: 'F32' as const, shape: tensors.find((t) => t.name === name)!.shape }),
    readF32: async (name: string) => {
      const t = tensors.find((x) => x.name === name)!;
      const n = t.shape.reduce((a, d) => a * d, 1);
      return uniformArray(n, seededRandom(tensors.indexOf(t)), 0.02);
    },
    locate: () => undefined,
  };
  const model = join(dir, 'model');
  const options = { precision: c.precision, textMask: false, modulation: 'inputs' } as const;
  await transformerGraph(shape, src, options).save(join(model, 'transformer'));
  await modulationGraph(shape, src, { precision: c.precision }).save(join(model, 'modulation'));
  const linears = new Map<string, readonly [number, number]>();
  for (const t of tensors)
    if (t.name.startsWith('transformer_blocks.') && t.name.endsWith('.weight') && t.shape.length === 2)
      linears.set(t.name.slice(0, -'.weight'.length), [t.shape[0]!, t.shape[1]!]);
  const lora = join(dir, 'lora.safetensors');
  await writeTestLora(lora, 'lightx2v', randomAdapters(linears, RANK, 1, RANK));
  return { model, lora };
}

/** In the child: fuse, then (fp32) create the session; one JSON line of measurements. */
async function child(model: string, lora: string, precision: 'fp32' | 'bf16'): Promise<void> {
  const { fuseAtLoad } = await import('../../native-models/src/lora/fuse-at-load');
  const { openLoraFile } = await import('../../native-models/src/lora/lora-file');
  const ort = await import('onnxruntime-node');
  const entry = (name: string) => ({ model: `${name}/model.onnx`, source: 'transformer', precision });
  const manifest = { components: { transformer: entry('transformer'), modulation: entry('modulation') } };
  let weightBytes = 0;
  for (const name of ['transformer', 'modulation'])
    weightBytes += (await stat(join(model, name, 'model.onnx.data'))).size;
  const file = await openLoraFile(lora);
  const baselineRssMB = process.memoryUsage().rss / 1e6;
  const started = performance.now();
  const fusion = await fuseAtLoad(model, manifest as never, [{ lora: file, strength: 1 }]);
  const fuseSeconds = (performance.now() - started) / 1000;
  const fusionPeakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  let sessionSeconds: number | null = null;
  let sessionPeakRssMB: number | null = null;
  if (precision === 'fp32') {
    const t = performance.now();
    for (const [name, source] of fusion.sources) {
      const s = await ort.InferenceSession.create(join(model, name, 'model.onnx'), {
        executionProviders: ['cpu'],
        externalData: source.externalData,
      });
      await s.release();
    }
    sessionSeconds = (performance.now() - t) / 1000;
    sessionPeakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  }
  const result: ChildResult = {
    weightBytes,
    patchedBytes: fusion.bytes,
    tensors: fusion.tensors,
    fuseSeconds,
    baselineRssMB,
    fusionPeakRssMB,
    sessionSeconds,
    sessionPeakRssMB,
  };
  console.log(JSON.stringify(result));
}

function measure(model: string, lora: string, precision: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--lora-child', model, lora, precision], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`fusion child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as ChildResult;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

export async function run(): Promise<BenchResult> {
  const figures: Record<string, unknown> = { loadBefore: loadavg(), rank: RANK };
  const rows = [
    `machine load (1/5/15 min): ${load()}; rank-${RANK} LoRA on every Linear of every block (width 3072)`,
    'case              weights GB  patched GB  tensors  fuse s  s per GB  RSS before MB  peak in fusion MB  session s  peak w/ session MB',
  ];
  for (const c of CASES) {
    const dir = await mkdtemp(join(tmpdir(), 'lora-bench-'));
    try {
      const { model, lora } = await prepare(dir, c);
      const r = measure(model, lora, c.precision);
      const gb = r.weightBytes / 1e9;
      figures[c.label] = { ...r, secondsPerGB: r.fuseSeconds / gb };
      rows.push(
        `${c.label.padEnd(17)} ${gb.toFixed(2).padStart(10)}  ${(r.patchedBytes / 1e9).toFixed(2).padStart(10)}  ${String(r.tensors).padStart(7)}  ${r.fuseSeconds.toFixed(1).padStart(6)}  ${(r.fuseSeconds / gb).toFixed(1).padStart(8)}  ${r.baselineRssMB.toFixed(0).padStart(13)}  ${r.fusionPeakRssMB.toFixed(0).padStart(17)}  ${r.sessionSeconds === null ? '      n/a' : r.sessionSeconds.toFixed(1).padStart(9)}  ${r.sessionPeakRssMB === null ? 'n/a' : r.sessionPeakRssMB.toFixed(0)}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // The released transformer: 60 such blocks, 40.86 GB of bf16 weights (the largest case's rate).
  const largest = figures[CASES.at(-1)!.label] as ChildResult & { secondsPerGB: number };
  figures.extrapolated20BTransformerSeconds = largest.secondsPerGB * REAL_TRANSFORMER_GB;
  rows.push(
    `20B transformer (${REAL_TRANSFORMER_GB} GB bf16) at the 2-block bf16 rate: ~${((largest.secondsPerGB * REAL_TRANSFORMER_GB) / 60).toFixed(1)} min; host memory ≈ its weights + ${((largest.fusionPeakRssMB * 1e6 - largest.weightBytes) / 1e9).toFixed(1)} GB`,
  );
  figures.loadAfter = loadavg();
  rows.push(`machine load after: ${load()}`);
  return { name: 'lora', figures, table: rows.join('\n') };
}

if (process.argv[2] === '--lora-child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5] as 'fp32' | 'bf16');
}
