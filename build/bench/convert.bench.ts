/**
 * Conversion throughput and memory: converts tiny checkpoints in child processes (so each peak RSS is its
 * own) and reports MB/s, the time extrapolated to the real 20B transformer (40.86 GB of bf16 weights), and
 * the peak RSS for transformers of the same width but 4× the depth: streaming conversion keeps RSS flat
 * (it holds about one tensor at a time) while the model grows. bf16 and int4 run on the calling thread and on
 * 1 and 2 worker threads; the text encoder's real-size embedding table (152064 × 3584 bf16, stored float32 as
 * int builds do) shows the memory of a tensor converted by row slabs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Precision } from '../../native-models/src/onnx';
import type { BenchResult } from './run';

const REAL_TRANSFORMER_BYTES = 40.86e9;
const self = fileURLToPath(import.meta.url);

type ChildResult = {
  components: string[];
  threads: number;
  precision: Precision;
  sourceBytes: number;
  outputBytes: number;
  seconds: number;
  baselineRssMB: number;
  peakRssMB: number;
};

/** In the child: convert `from` (only `components`, or all) and print one JSON line of measurements. */
async function child(from: string, precision: Precision, only: string, threads: number): Promise<void> {
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
  const manifest = await convertCheckpoint(from, join(out, 'model'), { precision, components, threads });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  await rm(out, { recursive: true, force: true });
  const outputBytes = Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0);
  const result: ChildResult = {
    components: components.map((c) => c.name),
    threads,
    precision,
    sourceBytes,
    outputBytes,
    seconds,
    baselineRssMB,
    peakRssMB,
  };
  console.log(JSON.stringify(result));
}

function measure(from: string, precision: Precision, only: string, threads = 1): ChildResult {
  return runChild(['--convert-child', from, precision, only, String(threads)]);
}

function runChild<T = ChildResult>(args: readonly string[]): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`conversion child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as T;
}

/** The real text encoder's embedding table: [vocab, hidden] bf16, as Qwen2.5-VL 7B ships it. */
const TABLE = { rows: 152064, cols: 3584 };

type TableResult = {
  sourceBytes: number;
  outputBytes: number;
  seconds: number;
  baselineRssMB: number;
  peakRssMB: number;
};

/** In the child: store the table as float32 (the dense type of int builds) into a data file, on 1 thread. */
async function tableChild(dir: string): Promise<void> {
  const { encodeSafetensorsHeader } = await import('../../native-models/src/safetensors/writer');
  const { openSafetensors } = await import('../../native-models/src/safetensors/reader');
  const { GraphBuilder, weightInitializer, withTensorRunner } = await import('../../native-models/src/onnx');
  // Written in blocks of rows after its header: the safetensors writer takes each tensor whole.
  const path = join(dir, 'table.safetensors');
  const header = encodeSafetensorsHeader(
    [{ name: 'embed_tokens.weight', dtype: 'BF16', shape: [TABLE.rows, TABLE.cols] }],
    { format: 'pt' },
  );
  const fh = await open(path, 'w');
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
  await fh.write(prefix);
  await fh.write(header);
  const rowBytes = TABLE.cols * 2;
  const block = new Uint8Array(rowBytes * 1024).fill(0x3f);
  for (let r = 0; r < TABLE.rows; r += 1024)
    await fh.write(block, 0, Math.min(1024, TABLE.rows - r) * rowBytes);
  await fh.close();
  const src = await openSafetensors(path);
  const baselineRssMB = process.memoryUsage().rss / 1e6;
  const started = performance.now();
  const b = new GraphBuilder({ name: 'table', precision: 'int4' });
  const table = weightInitializer(b, src, 'embed_tokens.weight');
  const ids = b.input('ids', 'int64', [1]);
  b.output(b.op('Gather', [table, ids], { axis: 0 }), 'y', 'float32', [1, TABLE.cols]);
  const saved = await withTensorRunner(1, () => b.save(join(dir, 'out')));
  const seconds = (performance.now() - started) / 1000;
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  const result: TableResult = {
    sourceBytes: src.totalBytes,
    outputBytes: saved.dataBytes,
    seconds,
    baselineRssMB,
    peakRssMB,
  };
  console.log(JSON.stringify(result));
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
  // int4 adds blockwise quantisation of every linear weight: the CPU-bound path the worker threads spread.
  const byThreads = (precision: Precision) =>
    [0, 1, 2].map((threads) => measure(deepCheckpoint, precision, 'transformer', threads));
  const [deep0, deep, deep2] = byThreads('bf16') as [ChildResult, ChildResult, ChildResult];
  const [int40, deepInt4, int42] = byThreads('int4') as [ChildResult, ChildResult, ChildResult];
  const textEncoder = measure(await ensureTinyCheckpoint(0), 'int4', 'text,generator,vision', 1);
  const tableDir = await mkdtemp(join(tmpdir(), 'convert-bench-table-'));
  const embedding = runChild<TableResult>(['--table-child', tableDir]);
  await rm(tableDir, { recursive: true, force: true });
  const rate = (r: { sourceBytes: number; seconds: number }) => mb(r.sourceBytes) / r.seconds;
  const deepRate = rate(deep);
  const extrapolatedSeconds = REAL_TRANSFORMER_BYTES / 1e6 / deepRate;
  const extrapolatedInt4Seconds = REAL_TRANSFORMER_BYTES / 1e6 / rate(deepInt4);
  const rows = [
    ['tiny model, all components, fp32', full],
    ['transformer 2×512, bf16, 1 thread', shallow],
    ['transformer 8×512, bf16, inline', deep0],
    ['transformer 8×512, bf16, 1 thread', deep],
    ['transformer 8×512, bf16, 2 threads', deep2],
    ['transformer 8×512, int4, inline', int40],
    ['transformer 8×512, int4, 1 thread', deepInt4],
    ['transformer 8×512, int4, 2 threads', int42],
    ['tiny text encoder (real vocab), int4', textEncoder],
    ['embedding 152064×3584 bf16 → fp32', embedding],
  ] as const;
  const table = [
    'case                                   source MB  output MB   seconds   MB/s (source)  peak RSS MB  (baseline)',
    ...rows.map(
      ([label, r]) =>
        `${label.padEnd(38)} ${mb(r.sourceBytes).toFixed(1).padStart(9)}  ${mb(r.outputBytes).toFixed(1).padStart(9)}  ${r.seconds.toFixed(2).padStart(8)}  ${rate(r).toFixed(1).padStart(13)}  ${r.peakRssMB.toFixed(0).padStart(11)}  (${r.baselineRssMB.toFixed(0)})`,
    ),
    '',
    `20B transformer (40.86 GB bf16) at the 8×512 1-thread rates: bf16 ~${(extrapolatedSeconds / 60).toFixed(1)} min, int4 ~${(extrapolatedInt4Seconds / 60).toFixed(1)} min (this machine: 2 shared cores, warm page cache)`,
    `8×512 MB/s by threads (inline / 1 / 2): bf16 ${[deep0, deep, deep2].map((r) => rate(r).toFixed(0)).join(' / ')}, int4 ${[int40, deepInt4, int42].map((r) => rate(r).toFixed(0)).join(' / ')}`,
    `peak RSS: 2 layers ${shallow.peakRssMB.toFixed(0)} MB, 8 layers ${deep.peakRssMB.toFixed(0)} MB for ${mb(shallow.sourceBytes).toFixed(0)} → ${mb(deep.sourceBytes).toFixed(0)} MB of weights`,
  ].join('\n');
  return {
    name: 'convert',
    figures: {
      tinyAll: full,
      transformerShallow: shallow,
      transformerDeep: deep,
      transformerDeepInt4: deepInt4,
      transformerDeepInline: deep0,
      transformerDeep2Threads: deep2,
      transformerDeepInt4Inline: int40,
      transformerDeepInt42Threads: int42,
      textEncoderInt4: textEncoder,
      embeddingTable: { ...TABLE, ...embedding },
      mbPerSecondByThreads: {
        bf16: { inline: rate(deep0), one: rate(deep), two: rate(deep2) },
        int4: { inline: rate(int40), one: rate(deepInt4), two: rate(int42) },
      },
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
  await child(
    process.argv[3]!,
    process.argv[4] as Precision,
    process.argv[5] ?? 'all',
    Number(process.argv[6] ?? 1),
  );
}
if (process.argv[2] === '--table-child') await tableChild(process.argv[3]!);
