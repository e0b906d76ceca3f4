/**
 * One case of the pipeline bench in a process of its own, so its peak RSS is its own: run by
 * pipeline.bench.ts as `<node + tsx> pipeline-case.ts <side> <steps>` with an IPC channel, it prints one
 * JSON line. Three edits on one pipeline, each on purpose:
 * 1. cold — another image and prompt at the same size: creates the sessions and sees the shapes once;
 * 2. measured — a new image and prompt: every encoder runs (no cache hit) on existing sessions;
 * 3. cached — the same image and prompt with another seed: the encoders are skipped.
 * Previews go through `process.send` in `onStep`, as the engine sends them to the app, so host time per
 * step includes the IPC send.
 */
import sharp from 'sharp';
import { ensureDemoModel, EditPipeline, openEditModel } from '../../native-models/src';
import type { EditResult, StepEvent } from '../../native-models/src';

type Done = Extract<EditResult, { status: 'done' }>;

const [side, steps] = process.argv.slice(2).map(Number) as [number, number];
const threads = Number(process.env.PIPELINE_BENCH_THREADS ?? 0) || undefined;

const image = (salt: number) => {
  const raw = Buffer.alloc(side * side * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = ((i + salt * 7919) * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
};

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : 0;
};

let ipcMs = 0;
const onStep = (e: StepEvent) => {
  const t = performance.now();
  process.send?.({ step: e.step, steps: e.steps, preview: e.preview });
  ipcMs += performance.now() - t;
};

const rssBefore = process.memoryUsage().rss;
const model = await openEditModel(await ensureDemoModel(0), {
  verify: 'size',
  ...(threads ? { threads } : {}),
});
const rssOpen = process.memoryUsage().rss;
const pipeline = new EditPipeline(model);
const base = { steps, cfg: 4, area: side * side };
const edit = async (request: Parameters<EditPipeline['edit']>[0]): Promise<Done> => {
  const r = await pipeline.edit(request, { onStep });
  if (r.status !== 'done') throw new Error('a bench edit did not finish');
  return r;
};
const cold = await edit({ ...base, image: await image(1), prompt: 'make it look like winter', seed: 1 });
ipcMs = 0;
const measured = await edit({
  ...base,
  image: await image(2),
  prompt: 'replace the sky with a sunset',
  seed: 2,
});
const measuredIpcMs = ipcMs;
const cached = await edit({
  ...base,
  image: await image(2),
  prompt: 'replace the sky with a sunset',
  seed: 3,
});
await model.close();
if (measured.cache.prompt || measured.cache.reference) throw new Error('the measured run hit a cache');
if (!cached.cache.prompt || !cached.cache.reference) throw new Error('the cached run missed its caches');

const t = measured.timings;
console.log(
  JSON.stringify({
    input: `${side}x${side}`,
    output: `${measured.width}x${measured.height}`,
    steps,
    cfg: 4,
    provider: model.info.provider,
    coldTotalMs: cold.timings.total,
    visionMs: t.vision,
    textMs: t.text,
    vaeEncodeMs: t.vaeEncode,
    transformerPerStepMs: median(t.transformerPerStep),
    hostPerStepMs: median(t.hostPerStep),
    previewPerStepMs: median(t.previewPerStep),
    ipcSendPerStepMs: measuredIpcMs / steps,
    hostOverTransformer: median(t.hostPerStep) / median(t.transformerPerStep),
    vaeDecodeMs: t.vaeDecode,
    measuredTotalMs: t.total,
    cachedTotalMs: cached.timings.total,
    rssAfterOpenMB: (rssOpen - rssBefore) / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
process.disconnect?.();
