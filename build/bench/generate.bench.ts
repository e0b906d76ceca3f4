/**
 * Text generation speed: prefill and per-token decode time of the generator graph (key/value cache, lm_head on
 * the last position) on the tiny demo model and on a full-width Qwen2.5-VL-7B language-model layer (hidden
 * 3584, 28/4 heads, MLP 18944; one layer, an 8192-row vocabulary to keep the graph in memory), CPU, greedy.
 * The 7B figures are extrapolated from bytes moved per decoded token (every weight once, plus the cache):
 * decode is memory-bound, so tokens/s ≤ bandwidth / bytes per token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readTextEncoderConfig } from '../../native-models/src/config/text-encoder';
import type { TextConfig } from '../../native-models/src/config/text-encoder';
import { buildGeneratorGraph, LM_HEAD_WEIGHT } from '../../native-models/src/graphs/generate';
import {
  randomQwen25VLWeights,
  TINY_TEXT_ENCODER_CONFIG_JSON,
} from '../../native-models/src/graphs/testing/tiny-text-encoder';
import { generateTokens } from '../../native-models/src/pipeline/generation/generate';
import type { GeneratorStep } from '../../native-models/src/pipeline/generation/generate';
import { ortGeneratorStep } from '../../native-models/src/pipeline/generation/ort-step';
import { openModel } from '../../native-models/src/model-store/open-model';
import { ensureDemoModel } from '../../native-models/src/tiny/demo-model';
import { randomArray, seededRandom } from '../../native-models/src/testing/seeded';
import { memoryWeightSource } from '../../native-models/src/weights';
import type { BenchResult } from './run';

const DECODE_TOKENS = 16;
const PROMPTS = [64, 256];

/** Qwen2.5-VL-7B's language model. */
const REAL = { hidden: 3584, layers: 28, heads: 28, kvHeads: 4, headDim: 128, mlp: 18944, vocab: 152064 };
const layerParams =
  2 * REAL.hidden * REAL.hidden + 2 * REAL.hidden * REAL.kvHeads * REAL.headDim + 3 * REAL.hidden * REAL.mlp;
const BYTES_PER_PARAM = { bf16: 2, int8: 1 + 2 / 32, int4: 0.5 + 2 / 32 } as const;
/** Memory bandwidths (GB/s) of GPUs the app targets. */
const GPUS = { 'H100 SXM': 3350, 'RTX 4090': 1008, 'RTX 3060 12GB': 360 } as const;

type Timing = { prompt: number; prefillMs: number; perTokenMs: number };

async function timeGeneration(step: GeneratorStep, config: TextConfig, prompt: number): Promise<Timing> {
  const ids = Array.from({ length: prompt }, (_, i) => 100 + ((i * 37) % 1000));
  const stamps: number[] = [];
  const timed: GeneratorStep = async (feeds) => {
    const out = await step(feeds);
    stamps.push(performance.now());
    return out;
  };
  const start = performance.now();
  await generateTokens(timed, config, { prompt: ids, maxNewTokens: DECODE_TOKENS + 1, stopTokens: [] });
  const prefillMs = stamps[0]! - start;
  const perTokenMs = (stamps[stamps.length - 1]! - stamps[0]!) / (stamps.length - 1);
  return { prompt, prefillMs, perTokenMs };
}

const fullWidthJson = {
  ...TINY_TEXT_ENCODER_CONFIG_JSON,
  hidden_size: REAL.hidden,
  intermediate_size: REAL.mlp,
  num_hidden_layers: 1,
  num_attention_heads: REAL.heads,
  num_key_value_heads: REAL.kvHeads,
  rope_scaling: { type: 'mrope', mrope_section: [16, 24, 24] },
  vocab_size: 8192,
  image_token_id: 8000,
  vision_start_token_id: 7998,
  vision_config: { ...TINY_TEXT_ENCODER_CONFIG_JSON.vision_config, out_hidden_size: REAL.hidden },
};

export async function run(): Promise<BenchResult> {
  const figures: Record<string, unknown> = { loadBefore: loadavg()[0] };
  const rows: string[] = [];
  const session = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' } as const;

  // 1. The tiny demo model as converted (real 152 064-row vocabulary, hidden 64, 2 layers).
  const demo = await openModel(await ensureDemoModel(0), {
    providers: ['cpu'],
    verify: 'size',
    sessionOptions: session,
  });
  const tinyConfig = readTextEncoderConfig(demo.manifest.configs.text_encoder);
  const tinyStep = ortGeneratorStep(await demo.session('generator'), tinyConfig);
  await timeGeneration(tinyStep, tinyConfig, 8); // warm-up
  const tiny = [];
  for (const p of PROMPTS) tiny.push(await timeGeneration(tinyStep, tinyConfig, p));
  await demo.release();
  figures.tiny = tiny;

  // 2. One full-width layer, fp32, in memory.
  const dir = await mkdtemp(join(tmpdir(), 'generate-bench-'));
  const wide: Timing[] = [];
  try {
    const config = readTextEncoderConfig(fullWidthJson);
    const random = randomQwen25VLWeights(config, config.vision, 5);
    random.tensors.set(LM_HEAD_WEIGHT, {
      shape: [config.vocabSize, config.hiddenSize],
      data: randomArray(
        config.vocabSize * config.hiddenSize,
        seededRandom(6),
        1 / Math.sqrt(config.hiddenSize),
      ),
    });
    const saved = await buildGeneratorGraph(
      config,
      memoryWeightSource(Object.fromEntries(random.tensors)),
      { tied: false },
      join(dir, 'wide'),
    );
    random.tensors.clear();
    const s = await ort.InferenceSession.create(saved.modelPath, session);
    const step = ortGeneratorStep(s, config);
    await timeGeneration(step, config, 8);
    for (const p of PROMPTS) wide.push(await timeGeneration(step, config, p));
    await s.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  figures.fullWidthLayer = wide;

  // 3. 7B extrapolation: bytes read per decoded token at a 512-token context (fp32 key/value cache).
  const context = 512;
  const cacheBytes = REAL.layers * 2 * REAL.kvHeads * REAL.headDim * 4 * context;
  const extrapolated: Record<string, Record<string, number>> = {};
  for (const [precision, bpp] of Object.entries(BYTES_PER_PARAM)) {
    const bytes = (REAL.layers * layerParams + REAL.vocab * REAL.hidden) * bpp + cacheBytes;
    const perGpu: Record<string, number> = { gbPerToken: bytes / 1e9 };
    for (const [gpu, gbs] of Object.entries(GPUS)) perGpu[`${gpu} tok/s (bound)`] = (gbs * 1e9) / bytes;
    extrapolated[precision] = perGpu;
  }
  // CPU: 28 layers at the measured full-width layer cost (its lm_head is 8192 rows, ~1.7 % of the layer's bytes).
  const cpuPerToken7b = REAL.layers * wide[0]!.perTokenMs;
  figures.extrapolated7b = { contextTokens: context, ...extrapolated, cpuFp32PerTokenMs: cpuPerToken7b };
  figures.loadAfter = loadavg()[0];

  const fmt = (t: Timing) =>
    `prompt ${String(t.prompt).padStart(3)}: prefill ${t.prefillMs.toFixed(1).padStart(8)} ms (${((t.prompt / t.prefillMs) * 1000).toFixed(0)} tok/s), decode ${t.perTokenMs.toFixed(2).padStart(7)} ms/token (${(1000 / t.perTokenMs).toFixed(1)} tok/s)`;
  rows.push('tiny demo model (hidden 64, 2 layers, vocab 152064), CPU fp32:');
  for (const t of tiny) rows.push(`  ${fmt(t)}`);
  rows.push('one full-width 7B layer (hidden 3584, MLP 18944, 28/4 heads, vocab 8192), CPU fp32:');
  for (const t of wide) rows.push(`  ${fmt(t)}`);
  rows.push(`7B decode, bytes per token at ${context} tokens of context → bandwidth-bound tokens/s:`);
  for (const [precision, e] of Object.entries(extrapolated)) {
    rows.push(
      `  ${precision.padEnd(5)} ${e.gbPerToken!.toFixed(2)} GB/token  ` +
        Object.keys(GPUS)
          .map((g) => `${g} ≤ ${e[`${g} tok/s (bound)`]!.toFixed(0)} tok/s`)
          .join(', '),
    );
  }
  rows.push(`  CPU fp32, 28 × the measured layer: ~${(cpuPerToken7b / 1000).toFixed(1)} s/token`);
  rows.push(
    `(load average ${Number(figures.loadBefore).toFixed(1)} before, ${Number(figures.loadAfter).toFixed(1)} after, on ${ort.env.versions?.common ?? 'ORT'})`,
  );
  return { name: 'generate', figures, table: rows.join('\n') };
}
