/**
 * Conversion throughput and memory: converts tiny checkpoints in child processes (so each peak RSS is its
 * own) and reports MB/s, the time extrapolated to the real 20B transformer (40.86 GB of bf16 weights), and
 * the peak RSS for transformers of the same width but 4× the depth: streaming conversion keeps RSS flat
 * (it holds about one tensor at a time) while the model grows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Precision } from '../../native-models/src/onnx';
import type { BenchResult } from './run';

const REAL_TRANSFORMER_BYTES = 40.86e9;
const self = fileURLToPath(import.meta.url);

type ChildResult = {
  components: string[];
  precision: Precision;
  sourceBytes: number;
  outputBytes: number;
  seconds: number;
  baselineRssMB: number;
  peakRssMB: number;
};

/** In the child: convert `from` (only `components`, or all) and print one JSON line of measurements. */
async function child(from: string, precision: Precision, only: string): Promise<void> {
  const { convertCheckpoint } = await import('../../native-models/src/convert/convert');
  const { COMPONENTS } = await import('../../native-models/src/convert/components');
  const { openWeightsInFolder } = await import('../../native-models/src/safetensors/sharded');
  const components = only === 'all' ? COMPONENTS : COMPONENTS.filter((c) => only.split(',').includes(c.name));
  const sources = [...new Set(components.map((c) => c.source))];
  let sourceBytes = 0;
  for (const s of sources) sourceBytes += (await openWeightsInFolder(join(from, s))).totalBytes;
  const out = await mkdtemp(join(tmpdir(), 'convert-bench-'));
  const baselineRssMB = process.memoryUsage().rss / 1e6;
  const started = performance.now();
  const manifest = await convertCheckpoint(from, join(out, 'model'), { precision, components });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  await rm(out, { recursive: true, force: true });
  const outputBytes = Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0);
  const result: ChildResult = {
    components: components.map((c) => c.name),
    precision,
    sourceBytes,
    outputBytes,
    seconds,
    baselineRssMB,
    peakRssMB,
  };
  console.log(JSON.stringify(result));
}

function measure(from: string, precision: Precision, only: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--convert-child', from, precision, only], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`conversion child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as ChildResult;
}

const mb = (n: number) => n / 1e6;

export async function run(): Promise<BenchResult> {
  const { ensureTinyCheckpoint } = await import('../../native-models/src/tiny/ensure');
  const full = measure(await ensureTinyCheckpoint(0), 'fp32', 'all');
  // Same width (16 heads × 32 = 512), 4× the depth: bf16 → bf16, the real conversion's path.
  const shallow = measure(
    await ensureTinyCheckpoint(0, { transformerLayers: 2, transformerHeads: 16 }),
    'bf16',
    'transformer',
  );
  const deepCheckpoint = await ensureTinyCheckpoint(0, { transformerLayers: 8, transformerHeads: 16 });
  const deep = measure(deepCheckpoint, 'bf16', 'transformer');
  // int4 adds blockwise quantisation of every linear weight in JS: the slow path of a real conversion.
  const deepInt4 = measure(deepCheckpoint, 'int4', 'transformer');
  const rate = (r: ChildResult) => mb(r.sourceBytes) / r.seconds;
  const deepRate = rate(deep);
  const extrapolatedSeconds = REAL_TRANSFORMER_BYTES / 1e6 / deepRate;
  const extrapolatedInt4Seconds = REAL_TRANSFORMER_BYTES / 1e6 / rate(deepInt4);
  const rows = [
    ['tiny model, all components, fp32', full],
    ['transformer 2×512, bf16', shallow],
    ['transformer 8×512, bf16', deep],
    ['transformer 8×512, int4 (block 32)', deepInt4],
  ] as const;
  const table = [
    'case                                 source MB  output MB   seconds   MB/s (source)  peak RSS MB  (baseline)',
    ...rows.map(
      ([label, r]) =>
        `${label.padEnd(36)} ${mb(r.sourceBytes).toFixed(1).padStart(9)}  ${mb(r.outputBytes).toFixed(1).padStart(9)}  ${r.seconds.toFixed(2).padStart(8)}  ${rate(r).toFixed(1).padStart(13)}  ${r.peakRssMB.toFixed(0).padStart(11)}  (${r.baselineRssMB.toFixed(0)})`,
    ),
    '',
    `20B transformer (40.86 GB bf16) at the 8×512 rates: bf16 ~${(extrapolatedSeconds / 60).toFixed(1)} min, int4 ~${(extrapolatedInt4Seconds / 60).toFixed(1)} min (this machine: 2 shared cores, warm page cache)`,
    `peak RSS: 2 layers ${shallow.peakRssMB.toFixed(0)} MB, 8 layers ${deep.peakRssMB.toFixed(0)} MB for ${mb(shallow.sourceBytes).toFixed(0)} → ${mb(deep.sourceBytes).toFixed(0)} MB of weights`,
  ].join('\n');
  return {
    name: 'convert',
    figures: {
      tinyAll: full,
      transformerShallow: shallow,
      transformerDeep: deep,
      transformerDeepInt4: deepInt4,
      extrapolated20BTransformerInt4Seconds: extrapolatedInt4Seconds,
      sourceMBPerSecond: deepRate,
      extrapolated20BTransformerSeconds: extrapolatedSeconds,
      peakRssGrowthMB: deep.peakRssMB - shallow.peakRssMB,
      weightGrowthMB: mb(deep.sourceBytes - shallow.sourceBytes),
    },
    table,
  };
}

if (process.argv[2] === '--convert-child') {
  await child(process.argv[3]!, process.argv[4] as Precision, process.argv[5] ?? 'all');
}
