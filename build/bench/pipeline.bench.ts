/**
 * The edit pipeline on the tiny model: per-stage times (vision, text, VAE encode, transformer per step,
 * host overhead per step = scheduler + CFG combine + packing + preview, preview alone, VAE decode), the
 * host/transformer ratio and peak RSS, at 512² and 1024² input with 8 and 50 steps, CFG on.
 *
 * `PIPELINE_BENCH_CASES=512x8,1024x8` picks cases; `PIPELINE_BENCH_THREADS` sets ORT's intra-op threads.
 * Each case runs twice on the same pipeline and reports the second (warm sessions, encoders measured
 * on the first since the second hits the caches).
 */
import sharp from 'sharp';
import { ensureDemoModel, EditPipeline, openEditModel } from '../../native-models/src';
import type { EditResult } from '../../native-models/src';
import type { BenchResult } from './run';

type Case = { size: number; steps: number };

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : 0;
};

function cases(): Case[] {
  const spec = process.env.PIPELINE_BENCH_CASES ?? '512x8,512x50,1024x8,1024x50';
  return spec.split(',').map((c) => {
    const [size, steps] = c.split('x').map(Number) as [number, number];
    return { size, steps };
  });
}

export async function run(): Promise<BenchResult> {
  const dir = await ensureDemoModel(0);
  const threads = Number(process.env.PIPELINE_BENCH_THREADS ?? 0) || undefined;
  const model = await openEditModel(dir, { ...(threads ? { threads } : {}) });
  const figures: Record<string, unknown> = {
    model: model.info.id,
    provider: model.info.provider,
    cases: [] as unknown[],
  };
  const rows: string[] = [];
  try {
    for (const c of cases()) {
      const pipeline = new EditPipeline(model);
      const raw = Buffer.alloc(c.size * c.size * 3);
      for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
      const image = await sharp(raw, { raw: { width: c.size, height: c.size, channels: 3 } })
        .png()
        .toBuffer();
      const request = {
        image,
        prompt: 'replace the sky with a sunset',
        seed: 1,
        steps: c.steps,
        cfg: 4,
        area: c.size * c.size,
      };
      const cold = await pipeline.edit(request, { onStep: () => {} });
      const warm = await pipeline.edit({ ...request, seed: 2 }, { onStep: () => {} });
      if (cold.status !== 'done' || warm.status !== 'done') throw new Error('bench run did not finish');
      const t = (r: Extract<EditResult, { status: 'done' }>) => r.timings;
      const transformer = median(t(warm).transformerPerStep);
      const host = median(t(warm).hostPerStep);
      const preview = median(t(warm).previewPerStep);
      const entry = {
        input: `${c.size}x${c.size}`,
        output: `${warm.width}x${warm.height}`,
        steps: c.steps,
        cfg: 4,
        visionMs: t(cold).vision,
        textMs: t(cold).text,
        vaeEncodeMs: t(cold).vaeEncode,
        transformerPerStepMs: transformer,
        transformerPerStepMeanMs: mean(t(warm).transformerPerStep),
        hostPerStepMs: host,
        hostPerStepMeanMs: mean(t(warm).hostPerStep),
        previewPerStepMs: preview,
        hostOverTransformer: host / transformer,
        vaeDecodeMs: t(warm).vaeDecode,
        finishMs: t(warm).finish,
        totalColdMs: t(cold).total,
        totalWarmMs: t(warm).total,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
      };
      (figures.cases as unknown[]).push(entry);
      rows.push(
        [
          entry.input,
          String(c.steps),
          entry.visionMs.toFixed(0),
          entry.textMs.toFixed(0),
          entry.vaeEncodeMs.toFixed(0),
          transformer.toFixed(1),
          host.toFixed(2),
          preview.toFixed(2),
          `${(entry.hostOverTransformer * 100).toFixed(2)}%`,
          entry.vaeDecodeMs.toFixed(0),
          (entry.totalWarmMs / 1000).toFixed(1),
          entry.peakRssMB.toFixed(0),
        ].join(' | '),
      );
    }
  } finally {
    await model.close();
  }
  const header =
    'input | steps | vision ms | text ms | VAE enc ms | transformer ms/step (2 passes) | host ms/step | preview ms/step | host/transformer | VAE dec ms | warm total s | peak RSS MB';
  const table = [
    `tiny model, ${String(figures.provider).toUpperCase()}, CFG 4 (two transformer passes per step); medians over steps`,
    header,
    ...rows,
  ].join('\n');
  return { name: 'pipeline', figures, table };
}
