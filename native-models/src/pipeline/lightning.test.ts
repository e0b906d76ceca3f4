/**
 * Lightning on the tiny model: a 4-step run at CFG 1 with a LoRA runs the transformer exactly 4 times, at
 * the Lightning sigmas (shift 3, exponential, no terminal stretch), computed here from the formula alone;
 * the recipe records the preset and the LoRA. The preset table offers the catalogue's Lightning LoRAs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAdapters, writeTestLora } from '../lora/testing/test-loras';
import { CATALOGUE } from '../model-manager/catalogue';
import { LIGHTNING_PRESETS, lightningPreset } from '../model-manager/lightning-presets';
import { openWeightsInFolder } from '../safetensors';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { ensureDemoModel } from '../tiny/demo-model';
import type { EditModel } from './edit-model';
import { EditPipeline } from './edit-pipeline';
import { EditRequestError } from './edit-request';
import type { EditRequest, StepEvent } from './edit-request';
import { openEditModel } from './ort-edit-model';
import { flowMatchSchedule } from './scheduler';
import { LIGHTNING_SCHEDULER } from './scheduler-presets';

/** Lightning's sigma for base sigma s = linspace(1, 1/N, N)[i]: e^μ/(e^μ + 1/s − 1) with e^μ = 3. */
const lightningSigmas = (steps: number) =>
  Array.from({ length: steps }, (_, i) => {
    const s = 1 - (i * (1 - 1 / steps)) / (steps - 1);
    return 3 / (3 + 1 / s - 1);
  });

let dir: string;
let lora: string;
let model: EditModel;
let pipeline: EditPipeline;
let image: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lightning-'));
  const weights = await openWeightsInFolder(join(await ensureTinyCheckpoint(0), 'transformer'));
  const modules = weights
    .names()
    .filter((n) => /^transformer_blocks\.\d+\.(attn\.(to_|add_)|img_mlp|txt_mlp).*\.weight$/.test(n))
    .map((n) => n.slice(0, -'.weight'.length));
  const shapes = new Map(
    modules.map((m) => [m, weights.info(`${m}.weight`).shape as unknown as [number, number]]),
  );
  lora = join(dir, 'Tiny-Lightning-4steps.safetensors');
  await writeTestLora(lora, 'lightx2v', randomAdapters(shapes, 4, 31, 4));
  model = await openEditModel(await ensureDemoModel(0), { provider: 'cpu', threads: 1 });
  pipeline = new EditPipeline(model);
  image = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } },
  })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await model?.close();
  await rm(dir, { recursive: true, force: true });
});

const request = (extra: Partial<EditRequest> = {}): EditRequest => ({
  image,
  prompt: 'make it blue',
  seed: 3,
  area: 64 * 64,
  steps: 4,
  cfg: 1,
  schedulerPreset: 'lightning',
  loras: [{ path: lora, strength: 1 }],
  ...extra,
});

describe('Lightning', () => {
  it('the schedule is the formula at every size, 4 and 8 steps, ending at 3s/(2s+1) without a terminal stretch', () => {
    for (const steps of [4, 8]) {
      for (const seqLen of [64, 4096, 16384]) {
        const { sigmas, mu } = flowMatchSchedule(steps, seqLen, LIGHTNING_SCHEDULER);
        expect(mu).toBeCloseTo(Math.log(3), 14);
        const want = [...lightningSigmas(steps), 0];
        want.forEach((w, i) =>
          expect(Math.abs(sigmas[i]! - w), `${steps} steps, σ${i}`).toBeLessThanOrEqual(1e-7),
        );
      }
    }
    [1, 0.9, 0.75, 0.5].forEach((w, i) => expect(lightningSigmas(4)[i]).toBeCloseTo(w, 15));
  });

  it('a 4-step run at CFG 1 runs the transformer exactly 4 times at the Lightning sigmas', async () => {
    const before = model.runs.transformer;
    const steps: StepEvent[] = [];
    const result = await pipeline.edit(request(), { onStep: (e) => steps.push(e) });
    expect(result.status).toBe('done');
    expect(model.runs.transformer - before).toBe(4);
    expect(steps.map((s) => s.sigma)).toEqual(lightningSigmas(4).map(Math.fround));
    expect(result.recipe).toMatchObject({
      steps: 4,
      cfg: 1,
      cfgActive: false,
      schedulerPreset: 'lightning',
      loras: [{ name: 'Tiny-Lightning-4steps.safetensors', strength: 1, fused: 'load' }],
    });
    expect(result.recipe.loras![0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the default preset keeps the model scheduler; a run without LoRAs records none', async () => {
    const steps: StepEvent[] = [];
    const result = await pipeline.edit(request({ schedulerPreset: undefined, loras: [] }), {
      onStep: (e) => steps.push(e),
    });
    expect(result.recipe.schedulerPreset).toBe('default');
    expect(result.recipe.loras).toEqual([]);
    expect(steps.at(-1)!.sigma).toBeCloseTo(0.02, 6);
  });

  it('refuses an unknown preset, a strength out of range and a missing LoRA before any model runs', async () => {
    const before = { ...model.runs };
    await expect(pipeline.edit(request({ schedulerPreset: 'turbo' as never }))).rejects.toThrow(
      "scheduler preset must be one of default, lightning, got 'turbo'",
    );
    await expect(pipeline.edit(request({ loras: [{ path: lora, strength: 9 }] }))).rejects.toThrow(
      EditRequestError,
    );
    await expect(
      pipeline.edit(request({ loras: [{ path: join(dir, 'absent.safetensors'), strength: 1 }] })),
    ).rejects.toThrow('absent.safetensors: file not found');
    expect(model.runs).toEqual(before);
  });
});

describe('Lightning presets', () => {
  it("offers one preset per catalogue Lightning LoRA, with that entry's file, 4/8 steps, CFG 1", () => {
    expect(LIGHTNING_PRESETS.map((p) => `${p.variant}:${p.steps}`).sort()).toEqual([
      'edit-2509:4',
      'edit-2509:8',
      'edit-2511:4',
      'edit:4',
      'edit:8',
    ]);
    for (const p of LIGHTNING_PRESETS) {
      const entry = CATALOGUE.find((e) => e.id === p.id)!;
      expect(entry.kind).toBe('lora');
      expect(entry.baseId).toBe(p.baseId);
      expect(entry.files!.some((f) => f.endsWith(`/${p.loraFile}`) || f === p.loraFile)).toBe(true);
      expect(p).toMatchObject({ cfg: 1, schedulerPreset: 'lightning', label: `Fast (${p.steps} steps)` });
    }
    expect(lightningPreset('edit', 8)?.loraFile).toBe(
      'Qwen-Image-Edit-Lightning-8steps-V1.0-bf16.safetensors',
    );
    expect(lightningPreset('edit-2511', 8)).toBeUndefined();
  });
});
