import {
  closeSync,
  cpSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../tiny/demo-model';
import type { EditModel } from './edit-model';
import { EditPipeline } from './edit-pipeline';
import { EditRequestError } from './edit-request';
import type { EditRequest, StepEvent } from './edit-request';
import { ImageInputError, loadRgbImage } from './load-image';
import { EditModelError, openEditModel } from './ort-edit-model';
import { previewFromTokens } from './preview';
import { pngHeaderOnly } from './testing/images';

// The tiny random-weight model at a small working size keeps each run well under a second on 2 cores.
const AREA = 128 * 128;
let model: EditModel;
let pipeline: EditPipeline;
let image: Buffer;
let modelDir: string;

beforeAll(async () => {
  modelDir = await ensureDemoModel(0);
  model = await openEditModel(modelDir, { provider: 'cpu', threads: 1 });
  pipeline = new EditPipeline(model);
  // A picture with structure: a gradient with a bright square.
  const w = 120;
  const h = 90;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inSquare = x > 30 && x < 70 && y > 20 && y < 60;
      rgb.set(inSquare ? [250, 240, 20] : [x * 2, y * 2, 128], (y * w + x) * 3);
    }
  }
  image = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await model?.close();
});

const request = (extra: Partial<EditRequest> = {}): EditRequest => ({
  image,
  prompt: 'make the square blue',
  seed: 7,
  steps: 3,
  cfg: 4,
  area: AREA,
  // The model's whole output, as before paste-back existed; `source` mode has its own tests below.
  outputMode: 'whole',
  ...extra,
});

describe('EditPipeline on the tiny model', () => {
  it('writes a valid PNG of the working size, byte-identical for the same seed and different for another', async () => {
    const a = await pipeline.edit(request());
    const b = await pipeline.edit(request());
    const c = await pipeline.edit(request({ seed: 8 }));
    if (a.status !== 'done' || b.status !== 'done' || c.status !== 'done') throw new Error('not done');
    // 120x90 at 128² area: W = sqrt(16384·4/3) = 147.8 → 160, H = 110.9 → 96.
    expect([a.width, a.height]).toEqual([160, 96]);
    const meta = await sharp(a.png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 160, 96, 3]);
    expect(Buffer.compare(a.png, b.png)).toBe(0);
    expect(Buffer.compare(a.png, c.png)).not.toBe(0);
    expect(a.recipe).toMatchObject({
      seed: 7,
      cfg: 4,
      cfgActive: true,
      steps: 3,
      negativePrompt: ' ',
      provider: 'cpu',
    });
    expect(a.recipe.model.hashes['model.json']).toMatch(/^[0-9a-f]{64}$/);
    expect(a.timings.transformerPerStep).toHaveLength(3);
  });

  it('skips the text, vision and VAE encoders on a second run with another seed', async () => {
    await pipeline.edit(request({ prompt: 'a fresh prompt', seed: 1 }));
    const before = { ...model.runs };
    const r = await pipeline.edit(request({ prompt: 'a fresh prompt', seed: 2 }));
    expect(r.status === 'done' && r.cache).toEqual({ prompt: true, negative: true, reference: true });
    expect(model.runs.text).toBe(before.text);
    expect(model.runs.vision).toBe(before.vision);
    expect(model.runs.vae_encoder).toBe(before.vae_encoder);
    expect(model.runs.transformer).toBe(before.transformer + 2 * 3);
    expect(model.runs.vae_decoder).toBe(before.vae_decoder + 1);
    // A new prompt on the same image re-runs only the language model.
    const runsBefore = { ...model.runs };
    await pipeline.edit(request({ prompt: 'another prompt', seed: 2 }));
    expect(model.runs.text).toBe(runsBefore.text + 1);
    expect(model.runs.vision).toBe(runsBefore.vision);
  });

  it('runs the fast Qwen2-VL processor by default and the slow one on request, recording which', async () => {
    const fast = await pipeline.edit(request({ prompt: 'processor paths' }));
    const before = { ...model.runs };
    const slow = await pipeline.edit(request({ prompt: 'processor paths', imageProcessor: 'slow' }));
    if (fast.status !== 'done' || slow.status !== 'done') throw new Error('not done');
    expect(fast.recipe.imageProcessor).toBe('fast');
    expect(slow.recipe.imageProcessor).toBe('slow');
    // Another path is another vision input: the tower and the language model run again, not from cache.
    expect(model.runs.vision).toBe(before.vision + 1);
    expect(slow.cache.prompt).toBe(false);
    expect(Buffer.from(fast.latents.buffer).equals(Buffer.from(slow.latents.buffer))).toBe(false);
    await expect(pipeline.edit(request({ imageProcessor: 'pillow' as unknown as 'slow' }))).rejects.toThrow(
      /image processor must be 'fast' or 'slow', got 'pillow'/,
    );
  });

  it('calls onStep once per step with latent-size frames; the last preview is the decoded latents', async () => {
    const events: StepEvent[] = [];
    const frames: Uint8ClampedArray[] = [];
    const r = await pipeline.edit(request({ steps: 4 }), {
      onStep: (e) => {
        events.push(e);
        frames.push(Uint8ClampedArray.from(e.preview.rgba));
      },
    });
    if (r.status !== 'done') throw new Error('not done');
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    for (const e of events) expect([e.preview.width, e.preview.height]).toEqual([r.width / 8, r.height / 8]);
    // At the last step σ_next = 0, so the x0 estimate is exactly the latents that get decoded.
    const final = previewFromTokens(r.latents, undefined, 0, { width: r.width / 8, height: r.height / 8 });
    const last = frames[3]!;
    let maxDiff = 0;
    for (let i = 0; i < last.length; i++) maxDiff = Math.max(maxDiff, Math.abs(last[i]! - final.rgba[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
    // Earlier previews differ (the estimate moves as noise is removed).
    expect(Buffer.compare(Buffer.from(frames[0]!), Buffer.from(last))).not.toBe(0);
  });

  // The first step and the one before the last: the edges where an off-by-one would show.
  it.each([1, 5])(
    'cancels after step %i of 6 before the next starts; the next edit on the same sessions succeeds',
    async (stopAfter) => {
      const steps = 6;
      const controller = new AbortController();
      const before = model.runs.transformer;
      const seen: number[] = [];
      const r = await pipeline.edit(request({ steps, seed: 99 }), {
        signal: controller.signal,
        onStep: (e) => {
          seen.push(e.step);
          if (e.step === stopAfter) controller.abort();
        },
      });
      expect(r.status).toBe('cancelled');
      expect(r.status === 'cancelled' && r.atStep).toBe(stopAfter);
      expect(seen.at(-1)).toBe(stopAfter);
      // No transformer run started after the abort.
      expect(model.runs.transformer - before).toBe(stopAfter * 2);
      const next = await pipeline.edit(request({ steps: 2, seed: 99 }));
      expect(next.status).toBe('done');
    },
  );

  it('cancels between the two CFG passes of a step', async () => {
    const controller = new AbortController();
    // Abort as soon as the conditional pass of step 2 has run, via a wrapper that counts runs.
    const counting: EditModel = Object.create(model) as EditModel;
    let passes = 0;
    counting.transformer = async (...args) => {
      const out = await model.transformer(...args);
      if (++passes === 3) controller.abort();
      return out;
    };
    const r = await new EditPipeline(counting).edit(request({ steps: 4, seed: 5 }), {
      signal: controller.signal,
    });
    expect(r.status === 'cancelled' && r.atStep).toBe(1);
    expect(passes).toBe(3);
  });

  it('keeps every pixel outside the region mask byte-identical to the input', async () => {
    const r = await pipeline.edit(
      request({ region: { kind: 'box', x: 20, y: 10, width: 50, height: 40 }, feather: 4 }),
    );
    if (r.status !== 'done') throw new Error('not done');
    const input = await loadRgbImage(image);
    expect([r.width, r.height]).toEqual([input.width, input.height]);
    let changedInside = 0;
    for (let y = 0; y < input.height; y++) {
      for (let x = 0; x < input.width; x++) {
        const k = (y * input.width + x) * 3;
        const inside = x >= 20 && x < 70 && y >= 10 && y < 50;
        const same =
          r.rgb[k] === input.rgb[k] && r.rgb[k + 1] === input.rgb[k + 1] && r.rgb[k + 2] === input.rgb[k + 2];
        if (!inside) expect(same, `pixel ${x},${y}`).toBe(true);
        else if (!same) changedInside++;
      }
    }
    expect(changedInside).toBeGreaterThan(1000);
    const decoded = await sharp(r.png).raw().toBuffer();
    expect(Buffer.compare(decoded, Buffer.from(r.rgb))).toBe(0);
  });

  it('an explicit output size leaves the reference at the upstream working size (recipe)', async () => {
    const r = await pipeline.edit(request({ width: 64, height: 48 }));
    if (r.status !== 'done') throw new Error('not done');
    expect([r.width, r.height]).toEqual([64, 48]);
    expect(r.recipe).toMatchObject({
      workingSize: { width: 160, height: 96 },
      outputSize: { width: 64, height: 48 },
      requestedSize: { width: 64, height: 48 },
    });
    // The target latents at the output size, the reference latents at the working size.
    expect(r.latents.length).toBe((48 / 16) * (64 / 16) * 64);
  });

  it('source mode: the result has the input size and keeps its bytes outside the recorded changed area', async () => {
    const input = await loadRgbImage(image);
    const [a, b] = [await pipeline.edit(request({ outputMode: undefined })), await pipeline.edit(request())];
    if (a.status !== 'done' || b.status !== 'done') throw new Error('not done');
    expect([a.width, a.height]).toEqual([120, 90]);
    expect(a.recipe.outputMode).toBe('source');
    const paste = a.recipe.pasteBack!;
    expect(paste.map).toEqual({
      working: { width: 160, height: 96 },
      source: { width: 120, height: 90 },
      scaleX: 120 / 160,
      scaleY: 90 / 96,
    });
    expect(paste.mask).toBe('changed-area');
    expect(Number.isFinite(paste.alignment.scale) && typeof paste.alignment.corrected).toBe('boolean');
    const rect = paste.changedRect!;
    let outsideDiffering = 0;
    for (let y = 0; y < input.height; y++)
      for (let x = 0; x < input.width; x++) {
        const k = (y * input.width + x) * 3;
        const inside = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
        if (!inside && input.rgb.subarray(k, k + 3).some((v, c) => a.rgb[k + c] !== v)) outsideDiffering++;
      }
    expect(outsideDiffering).toBe(0);
    // The model's output (noise on the tiny model) was pasted: the result is not the input.
    expect(Buffer.compare(Buffer.from(a.rgb), Buffer.from(input.rgb))).not.toBe(0);
    // The same request reproduces the same bytes (whole mode ran in between on the same caches).
    const again = await pipeline.edit(request({ outputMode: 'source' }));
    expect(again.status === 'done' && Buffer.compare(again.png, a.png)).toBe(0);
  });

  it('source mode with a box and another output size: only the box changes, at the input size', async () => {
    const box = { kind: 'box' as const, x: 20, y: 10, width: 50, height: 40 };
    const r = await pipeline.edit(request({ outputMode: 'source', region: box, width: 96, height: 64 }));
    if (r.status !== 'done') throw new Error('not done');
    const input = await loadRgbImage(image);
    expect([r.width, r.height]).toEqual([120, 90]);
    expect(r.recipe).toMatchObject({ workingSize: { width: 160, height: 96 }, outputMode: 'source' });
    expect(r.recipe.pasteBack).toMatchObject({ mask: 'region', map: { working: { width: 96, height: 64 } } });
    let changedInside = 0;
    for (let y = 0; y < input.height; y++)
      for (let x = 0; x < input.width; x++) {
        const k = (y * input.width + x) * 3;
        const inside = x >= 20 && x < 70 && y >= 10 && y < 50;
        const same = input.rgb.subarray(k, k + 3).every((v, c) => r.rgb[k + c] === v);
        if (!inside) expect(same, `pixel ${x},${y}`).toBe(true);
        else if (!same) changedInside++;
      }
    expect(changedInside).toBeGreaterThan(1000);
  });

  it('releases text, vision and transformer sessions under the low-memory policy', async () => {
    const low = new EditPipeline(model, { memoryPolicy: 'low-memory' });
    const r = await low.edit(request({ prompt: 'low memory', steps: 2 }));
    expect(r.status === 'done' && r.recipe.memoryPolicy).toBe('low-memory');
    expect(model.openComponents()).toEqual([]);
    const again = await low.edit(request({ prompt: 'low memory', steps: 2, seed: 3 }));
    expect(again.status).toBe('done');
  });
});

describe('bad input', () => {
  it('refuses steps 0 or 1000, negative or NaN CFG, before running anything', async () => {
    const before = { ...model.runs };
    await expect(pipeline.edit(request({ steps: 0 }))).rejects.toThrow(EditRequestError);
    await expect(pipeline.edit(request({ steps: 0 }))).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(pipeline.edit(request({ steps: 1000 }))).rejects.toThrow(
      /steps must be an integer from 1 to 150/,
    );
    await expect(pipeline.edit(request({ cfg: -2 }))).rejects.toThrow(/CFG scale/);
    await expect(pipeline.edit(request({ cfg: Number.NaN }))).rejects.toThrow(EditRequestError);
    expect(model.runs).toEqual(before);
  });

  it('refuses an unreadable image and a 20000x20000 one without decoding it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edit-bad-'));
    const junk = join(dir, 'junk.png');
    writeFileSync(junk, 'not an image');
    await expect(pipeline.edit(request({ image: junk }))).rejects.toThrow(ImageInputError);
    await expect(pipeline.edit(request({ image: junk }))).rejects.toMatchObject({ code: 'invalid-image' });
    await expect(pipeline.edit(request({ image: join(dir, 'absent.png') }))).rejects.toThrow(ImageInputError);
    await expect(pipeline.edit(request({ image: pngHeaderOnly(20000, 20000) }))).rejects.toThrow(
      /20000x20000/,
    );
    const sliver = await sharp({ create: { width: 2010, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(pipeline.edit(request({ image: sliver }))).rejects.toThrow(/aspect ratios beyond 200:1/);
  });

  it('edits a 1x1 image (scaled up to the working size), an empty prompt and a 5000-character prompt', async () => {
    const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const r1 = await pipeline.edit(request({ image: one, steps: 1 }));
    expect(r1.status === 'done' && [r1.width, r1.height]).toEqual([128, 128]);
    const empty = await pipeline.edit(request({ prompt: '', steps: 1 }));
    expect(empty.status).toBe('done');
    const long = await pipeline.edit(
      request({ prompt: 'paint the sky a deep orange '.repeat(200).slice(0, 5000), steps: 1, cfg: 1 }),
    );
    expect(long.status === 'done' && long.recipe.prompt.length).toBe(5000);
  });

  it('refuses a model folder of another architecture and a folder that is no model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edit-arch-'));
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ format: 'qwen-edit-model', pipeline: 'StableDiffusionPipeline' }),
    );
    await expect(openEditModel(dir)).rejects.toThrow(EditModelError);
    await expect(openEditModel(dir)).rejects.toMatchObject({ code: 'invalid-model' });
    await expect(openEditModel(dir)).rejects.toThrow(/StableDiffusionPipeline/);
    await expect(openEditModel(mkdtempSync(join(tmpdir(), 'edit-empty-')))).rejects.toThrow(/no model.json/);
  });

  it('refuses, by default, a model folder whose weights were altered without changing their size', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'edit-corrupt-')), 'model');
    cpSync(modelDir, dir, { recursive: true });
    const data = join(dir, 'vae_decoder', 'model.onnx.data');
    const fd = openSync(data, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 70_000);
    writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, 70_000);
    closeSync(fd);
    await expect(openEditModel(dir, { provider: 'cpu' })).rejects.toThrow(/vae_decoder.*sha256 mismatch/);
    rmSync(dirname(dir), { recursive: true, force: true });
  });
});
