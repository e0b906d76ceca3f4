/**
 * Memory of the text encoder's and the generator's sessions side by side, with the generator reading the
 * shared weights from the text graph's data file (the converter's layout) or holding its own copy (the
 * layout before). Each case runs in a fresh process on the CPU: proportional set size (PSS, from
 * /proc/self/smaps_rollup) after opening and running the text session, then after opening and running the
 * generator. ORT maps aligned external data into memory on the CPU, so pages of one file mapped by both
 * sessions count once; weights a kernel repacks into its own buffer (MatMul's packed B, by default) are per
 * session either way, hence the cases with repacking off (session.disable_prepacking). Pages are mapped on
 * first touch: after these short runs only the embedding rows used are resident. The 7B figure is the weight
 * table's: the bytes the generator no longer stores beside the text graph.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run';

const self = fileURLToPath(import.meta.url);

/** Qwen2.5-VL-7B's language model: 28 layers, hidden 3584, MLP 18944, 28/4 heads of 128, vocabulary 152064. */
const REAL = { hidden: 3584, layers: 28, kv: 512, mlp: 18944, vocab: 152064 };
const REAL_SHARED_PARAMS =
  REAL.vocab * REAL.hidden +
  REAL.layers *
    (2 * REAL.hidden * REAL.hidden +
      2 * REAL.hidden * REAL.kv +
      3 * REAL.hidden * REAL.mlp +
      2 * REAL.hidden) +
  REAL.hidden;
const REAL_HEAD_PARAMS = REAL.vocab * REAL.hidden;

type ChildResult = { baseline: number; text: number; both: number; generatorFiles: string[] };

async function pssBytes(): Promise<number> {
  const rollup = await readFile('/proc/self/smaps_rollup', 'utf8');
  const kb = /^Pss:\s+(\d+) kB/m.exec(rollup);
  if (!kb) throw new Error('/proc/self/smaps_rollup has no Pss line (Linux only)');
  return Number(kb[1]) * 1024;
}

async function child(modelDir: string, repack: boolean): Promise<void> {
  const { openModel } = await import('../../native-models/src/model-store/open-model');
  const { readTextEncoderConfig } = await import('../../native-models/src/config/text-encoder');
  const { textGraphFeeds } = await import('../../native-models/src/graphs/text/feeds');
  const { generateTokens } = await import('../../native-models/src/pipeline/generation/generate');
  const { ortGeneratorStep } = await import('../../native-models/src/pipeline/generation/ort-step');
  const ort = await import('onnxruntime-node');
  const model = await openModel(modelDir, {
    providers: ['cpu'],
    verify: 'size',
    sessionOptions: {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      ...(repack ? {} : { extra: { session: { disable_prepacking: '1' } } }),
    },
  });
  const config = readTextEncoderConfig(model.manifest.configs.text_encoder);
  const prompt = Array.from({ length: 32 }, (_, i) => 100 + i * 97);
  const baseline = await pssBytes();
  const text = await model.session('text');
  const feeds = textGraphFeeds([prompt], [], new Float32Array(0), config, config.vision.spatialMergeSize);
  const tensors: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.dtype, f.data, f.dims);
  await text.run(tensors);
  const afterText = await pssBytes();
  const step = ortGeneratorStep(await model.session('generator'), config);
  await generateTokens(step, config, { prompt, maxNewTokens: 8, stopTokens: [] });
  const both = await pssBytes();
  const generatorFiles = [...(model.manifest.components.generator?.files ?? [])];
  await model.release();
  const result: ChildResult = { baseline, text: afterText, both, generatorFiles };
  console.log(JSON.stringify(result));
}

function measure(modelDir: string, repack = true): ChildResult {
  const args = ['--import', 'tsx', self, '--memory-child', modelDir, repack ? 'repack' : 'no-repack'];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`memory child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as ChildResult;
}

/** The tiny model converted with the generator in a folder of its own, as before the shared layout. */
async function separateLayout(dir: string): Promise<string> {
  const { COMPONENTS } = await import('../../native-models/src/convert/components');
  const { writeModelFolder } = await import('../../native-models/src/convert/convert');
  const { validateCheckpoint } = await import('../../native-models/src/convert/validate');
  const { ensureTinyCheckpoint } = await import('../../native-models/src/tiny/ensure');
  const plugins = COMPONENTS.filter((c) => c.name === 'text' || c.name === 'generator').map((c) => {
    const own = { ...c };
    delete (own as { sharesWeightsOf?: unknown }).sharesWeightsOf;
    return own;
  });
  const checked = await validateCheckpoint(await ensureTinyCheckpoint(0), plugins);
  const out = join(dir, 'separate');
  await writeModelFolder(checked, out, { precision: 'fp32', blockSize: 32 }, plugins);
  return out;
}

const mb = (n: number) => (n / 1e6).toFixed(1);
const gb = (n: number) => (n / 1e9).toFixed(2);

export async function run(): Promise<BenchResult> {
  const { ensureDemoModel } = await import('../../native-models/src/tiny/demo-model');
  const shared = await ensureDemoModel(0);
  const scratch = await mkdtemp(join(tmpdir(), 'generator-memory-'));
  try {
    const separate = await separateLayout(scratch);
    const cases = [
      ['generator shares text/model.onnx.data', measure(shared)],
      ['generator with its own copy (before)', measure(separate)],
      ['shared, no weight repacking', measure(shared, false)],
      ['own copy, no weight repacking', measure(separate, false)],
    ] as const;
    const load = loadavg()[0]!;
    const added = (r: ChildResult) => r.both - r.text;
    const table = [
      'tiny model, CPU, PSS               baseline MB   + text MB   + generator MB   total MB   generator files',
      ...cases.map(
        ([label, r]) =>
          `${label.padEnd(38)} ${mb(r.baseline).padStart(8)}  ${mb(r.text - r.baseline).padStart(10)}  ${mb(added(r)).padStart(14)}  ${mb(r.both).padStart(9)}   ${r.generatorFiles.join(', ')}`,
      ),
      '',
      `Qwen2.5-VL-7B language model (weight table, q/k/v biases aside): ${(REAL_SHARED_PARAMS / 1e9).toFixed(2)}B parameters the two graphs share, ${gb(REAL_SHARED_PARAMS * 2)} GB in bf16, stored and (on the CPU) mapped once; the generator adds lm_head only, ${gb(REAL_HEAD_PARAMS * 2)} GB bf16 (it held ${gb((REAL_SHARED_PARAMS + REAL_HEAD_PARAMS) * 2)} GB before). On CUDA each session still copies its weights to the GPU.`,
      `load average ${load.toFixed(2)} on ${availableParallelism()} cores; PSS counts a page mapped by both sessions once.`,
    ].join('\n');
    return {
      name: 'generator-memory',
      figures: {
        shared: cases[0][1],
        separate: cases[1][1],
        sharedNoRepack: cases[2][1],
        separateNoRepack: cases[3][1],
        generatorAddedBytes: Object.fromEntries(cases.map(([label, r]) => [label, added(r)])),
        real7B: {
          sharedParams: REAL_SHARED_PARAMS,
          headParams: REAL_HEAD_PARAMS,
          savedBf16Bytes: REAL_SHARED_PARAMS * 2,
        },
        loadAverage: load,
      },
      table,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--memory-child') {
  await child(process.argv[3]!, process.argv[4] !== 'no-repack');
}
