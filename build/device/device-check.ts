/**
 * The device check (issue 14 item 4), bundled into one file by `npm run bundle:device` and run by the
 * bundle's `run.sh` on a bare GPU machine: (a) the execution providers this onnxruntime-node offers and
 * whether each really starts, (b) the tiny model made from scratch and one edit per provider, compared
 * with the CPU's, (c) one full-width transformer block timed per provider at the token counts of 512² and
 * 1024² edits, and (d) one JSON line with every figure as the last line of stdout.
 *
 * `--providers webgpu,cpu` picks providers, `--sides 512,1024` the output sides of (c), `--text-tokens N`
 * the prompt length, `--precisions fp32,int4` the block's builds (the first is every other's reference); `--placement <model.onnx> <provider>` is the child mode that prints ORT's node
 * placement for one graph (ORT writes it to stderr at verbose level only).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { transformerGraph, TRANSFORMER_OUTPUT } from '../../native-models/src/graphs/transformer';
import type { Precision } from '../../native-models/src/onnx';
import { EditPipeline } from '../../native-models/src/pipeline/edit-pipeline';
import type { EditResult } from '../../native-models/src/pipeline/edit-request';
import { openEditModel } from '../../native-models/src/pipeline/ort-edit-model';
import type { ProviderChoice } from '../../native-models/src/pipeline/execution-provider';
import { maxAbsDiff, maxRelativeDiff } from '../../native-models/src/testing/compare';
import { ensureDemoModel } from '../../native-models/src/tiny/demo-model';
import {
  blockFlops,
  fullWidthBlockFeeds,
  fullWidthBlockWeights,
  fullWidthConfig,
  imageTokensAt,
} from '../bench/fullwidth-block';
import { nodePlacement, strictSessionOptions } from './placement';

type Figures = Record<string, unknown>;
type GpuProvider = Exclude<ProviderChoice, 'auto'>;

const seconds = (since: number) => (performance.now() - since) / 1000;
const errorLine = (error: unknown) =>
  String((error as Error).message ?? error)
    .split('\n')[0]!
    .slice(0, 400);

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

/**
 * Node placement of one graph on one provider, read in a child so ORT's verbose log stays out of ours. ORT
 * writes it through a buffered C++ stream that a short-lived process sometimes exits without flushing (seen
 * on the small modulation graph), so an empty reading is retried.
 */
function placementOf(modelPath: string, provider: string): Figures {
  for (let attempt = 1; ; attempt++) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, '--placement', modelPath, provider],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 },
    );
    if (child.status !== 0) return { error: errorLine(child.stderr || child.error) };
    const placement = nodePlacement(child.stderr);
    if (Object.keys(placement.nodes).length > 0 || attempt === 3) return { ...placement, attempts: attempt };
  }
}

/** (a) Which providers the binding lists, and whether a strict session really starts on each. */
async function providers(wanted: readonly GpuProvider[], dir: string): Promise<Figures> {
  const { GraphBuilder } = await import('../../native-models/src/onnx');
  const g = new GraphBuilder({ name: 'probe' });
  const x = g.input('x', 'float32', [2, 2]);
  g.output(g.op('MatMul', [x, x]), 'y', 'float32', [2, 2]);
  const { modelPath } = await g.save(join(dir, 'probe'));
  const started: Figures = {};
  for (const provider of wanted) {
    try {
      const s = await ort.InferenceSession.create(modelPath, strictSessionOptions(provider));
      const y = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]) });
      started[provider] = { ok: true, y: Array.from(y.y!.data as Float32Array) };
      await s.release();
    } catch (error) {
      started[provider] = { ok: false, error: errorLine(error) };
    }
  }
  return { listed: ort.listSupportedBackends(), started };
}

/** (b) The tiny model, one seeded 4-step edit per provider, each compared with the CPU's. */
async function tinyEdit(wanted: readonly GpuProvider[]): Promise<Figures> {
  const t0 = performance.now();
  const dir = await ensureDemoModel(0);
  const figures: Figures = { modelSeconds: seconds(t0) };
  const image = await sharp({
    create: { width: 256, height: 192, channels: 3, background: { r: 200, g: 120, b: 40 } },
  })
    .composite([
      {
        input: Buffer.alloc(64 * 64 * 3, 30),
        raw: { width: 64, height: 64, channels: 3 },
        left: 40,
        top: 30,
      },
    ])
    .png()
    .toBuffer();
  const request = {
    image,
    prompt: 'change the rabbit to purple',
    seed: 7,
    steps: 4,
    cfg: 4,
    area: 256 * 192,
  };
  const results = new Map<GpuProvider, EditResult & { status: 'done' }>();
  for (const provider of ['cpu' as const, ...wanted.filter((p) => p !== 'cpu')]) {
    const logs: string[] = [];
    const entry: Figures = { ok: false, logs };
    figures[provider] = entry;
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
        components: Record<string, { model: string }>;
      };
      // Every graph of the folder, the modulation graph too when the model has one.
      entry.placement = Object.fromEntries(
        Object.entries(manifest.components).map(([c, { model }]) => [
          c,
          placementOf(join(dir, model), provider),
        ]),
      );
      const model = await openEditModel(dir, { provider, verify: 'size', log: (l) => logs.push(l) });
      const pipeline = new EditPipeline(model);
      const t = performance.now();
      const result = await pipeline.edit(request);
      entry.firstEditSeconds = seconds(t);
      const t2 = performance.now();
      await pipeline.edit({ ...request, seed: 8 });
      entry.cachedEditSeconds = seconds(t2);
      await model.close();
      if (result.status !== 'done') throw new Error('the edit did not finish');
      results.set(provider, result);
      entry.recipeProvider = result.recipe.provider;
      const cpu = results.get('cpu');
      if (cpu && provider !== 'cpu') {
        entry.latentsMaxRelVsCpu = maxRelativeDiff(result.latents, cpu.latents);
        entry.rgbMaxAbsVsCpu = maxAbsDiff(result.rgb, cpu.rgb);
        entry.pngIdenticalToCpu = Buffer.compare(result.png, cpu.png) === 0;
      }
      entry.ok = true;
    } catch (error) {
      entry.error = errorLine(error);
    }
  }
  return figures;
}

/** (c) One full-width block, mask-free with modulation as inputs, per precision, provider and side. */
async function fullWidthBlock(
  wanted: readonly GpuProvider[],
  precisions: readonly Precision[],
  sides: readonly number[],
  textTokens: number,
  dir: string,
): Promise<Figures> {
  const shape = fullWidthConfig(1);
  const width = shape.numHeads * shape.headDim;
  const t0 = performance.now();
  const src = fullWidthBlockWeights(shape);
  const figures: Figures = { weightsSeconds: seconds(t0), width };
  const models = new Map<Precision, string>();
  for (const precision of precisions) {
    const t = performance.now();
    const options = { precision, textMask: false, modulation: 'inputs' } as const;
    const graph = transformerGraph(
      shape,
      src,
      precision === 'fp32' ? options : { ...options, blockSize: 32 },
    );
    models.set(precision, (await graph.save(join(dir, `block-${precision}`))).modelPath);
    figures[`build/${precision}`] = seconds(t);
    for (const provider of wanted)
      figures[`placement/${precision}/${provider}`] = placementOf(models.get(precision)!, provider);
  }
  for (const side of sides) {
    const imageTokens = imageTokensAt(side);
    const { feeds } = await fullWidthBlockFeeds(shape, src, imageTokens, textTokens, async (g) => {
      return (await g.save(join(dir, `mod-${side}`))).modelPath;
    });
    const flops = blockFlops(imageTokens + textTokens, width);
    let reference: Float32Array | undefined;
    for (const precision of precisions) {
      for (const provider of wanted) {
        const key = `${side}/${precision}/${provider}`;
        try {
          const t = performance.now();
          const session = await ort.InferenceSession.create(
            models.get(precision)!,
            strictSessionOptions(provider, false),
          );
          const createSeconds = seconds(t);
          const run = () => session.run(Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]!])));
          const t1 = performance.now();
          const out = (await run())[TRANSFORMER_OUTPUT]!.data as Float32Array;
          const firstRunSeconds = seconds(t1);
          const times: number[] = [];
          for (let i = 0; i < 3; i++) {
            const t2 = performance.now();
            await run();
            times.push(seconds(t2));
          }
          await session.release();
          const median = times.sort((a, b) => a - b)[1]!;
          reference ??= out;
          figures[key] = {
            tokens: { image: imageTokens, text: textTokens },
            createSeconds,
            firstRunSeconds,
            medianSeconds: median,
            gflops: flops / median / 1e9,
            maxRelVsFirst: maxRelativeDiff(out, reference),
          };
        } catch (error) {
          figures[key] = { ok: false, error: errorLine(error) };
        }
      }
    }
  }
  return figures;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--placement') {
    // Child mode: ORT's verbose log on stderr carries the placement; the parent parses it.
    const session = await ort.InferenceSession.create(argv[1]!, {
      ...strictSessionOptions(argv[2] as GpuProvider, false),
      logSeverityLevel: 0,
    });
    await session.release();
    return;
  }
  const wanted = option(argv, '--providers', 'webgpu,cpu').split(',') as GpuProvider[];
  const ordered = ['cpu' as const, ...wanted.filter((p) => p !== 'cpu')];
  const sides = option(argv, '--sides', '512,1024').split(',').map(Number);
  const textTokens = Number(option(argv, '--text-tokens', '64'));
  const precisions = option(argv, '--precisions', 'fp32').split(',') as Precision[];
  const started = performance.now();
  const result: Figures = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGB: totalmem() / 1e9,
    loadBefore: loadavg(),
  };
  const dir = await mkdtemp(join(tmpdir(), 'qwen-edit-device-'));
  try {
    const stages: [string, () => Promise<Figures>][] = [
      ['providers', () => providers(ordered, dir)],
      ['tinyEdit', () => tinyEdit(ordered)],
      ['fullWidthBlock', () => fullWidthBlock(ordered, precisions, sides, textTokens, dir)],
    ];
    for (const [name, stage] of stages) {
      const t = performance.now();
      try {
        result[name] = await stage();
      } catch (error) {
        result[name] = { ok: false, error: errorLine(error) };
      }
      console.error(`[device-check] ${name} done in ${seconds(t).toFixed(1)} s`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  result.loadAfter = loadavg();
  result.totalSeconds = seconds(started);
  console.log(JSON.stringify(result));
}

await main(process.argv.slice(2));
