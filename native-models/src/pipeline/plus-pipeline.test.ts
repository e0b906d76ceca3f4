/**
 * The Plus pipeline (Qwen-Image-Edit-2509/2511) end to end on the tiny models. Fidelity: the final latents of
 * 1, 2 and 3 images of mixed aspects on 2511 (zero_cond_t) against a plain loop of the upstream formulas —
 * its own template and token expansion, per-image sizes, packing, RoPE for N latent images, modulate index,
 * sigmas, true CFG and Euler steps, with the transformer as the plain-loop reference. The vision tower, the
 * language model and the VAE encoder run as the converted sessions (each matched to its own plain-loop
 * reference in graphs/); the condition and VAE images come from the Pillow-matched resampler.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTransformerConfig } from '../config/transformer';
import { refTransformer } from '../graphs/testing/transformer-reference';
import type { Weights } from '../graphs/testing/transformer-reference';
import { maxAbsDiff } from '../testing/compare';
import { DEFAULT_TINY_SIZES, transformerConfig } from '../tiny/configs';
import { ensureDemoModel } from '../tiny/demo-model';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import type { EditModel } from './edit-model';
import { EditPipeline } from './edit-pipeline';
import { EditRequestError } from './edit-request';
import type { EditRequest, StepEvent } from './edit-request';
import { ImageInputError, loadRgbImage } from './load-image';
import type { RgbImage } from './load-image';
import { openEditModel } from './ort-edit-model';
import { resizeLikePil } from './pil-resample';
import { torchRandn } from './torch-randn';
import { visionInput } from './vision-input';
import {
  checkpointTransformerWeights,
  plainDimensions,
  plainModulateIndex,
  plainPack,
  plainRope,
  plainSigmas,
  plainTrueCfg,
} from './testing/plus-reference';
import type { Shape } from './testing/plus-reference';

const AREA = 128 * 128;
let model: EditModel;
let weights: Weights;
let canvas: Buffer;
let portrait: Buffer;
let wide: Buffer;

async function png(w: number, h: number, seed: number): Promise<Buffer> {
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      rgb.set([(x * 3 + seed * 40) & 255, (y * 2 + seed * 90) & 255, (x * y + seed) & 255], (y * w + x) * 3);
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  model = await openEditModel(await ensureDemoModel(0, 'edit-2511'), {
    provider: 'cpu',
    threads: 1,
    verify: 'size',
  });
  weights = await checkpointTransformerWeights(
    await ensureTinyCheckpoint(0, DEFAULT_TINY_SIZES, 'edit-2511'),
  );
  canvas = await png(120, 90, 1);
  portrait = await png(60, 100, 2);
  wide = await png(150, 60, 3);
});
afterAll(async () => {
  await model?.close();
});

const request = (extra: Partial<EditRequest> = {}): EditRequest => ({
  image: canvas,
  prompt: 'put the hat from Picture 2 on the cat',
  seed: 5,
  steps: 2,
  cfg: 4,
  area: AREA,
  outputMode: 'whole',
  ...extra,
});

/** The upstream Plus pipeline as a plain loop over the formulas (see the module comment). */
async function plainPlusRun(
  on: EditModel,
  images: readonly RgbImage[],
  prompt: string,
  negative: string,
  seed: number,
  steps: number,
  cfg: number,
) {
  const info = on.info;
  const shape = readTransformerConfig(transformerConfig(DEFAULT_TINY_SIZES, on.info.variant));
  // Vision: each image at 384² area in its own aspect.
  const visions: { embeds: Float32Array; grid: readonly [number, number, number]; n: number }[] = [];
  for (const img of images) {
    const [cw, ch] = plainDimensions(384 * 384, img.width / img.height);
    const v = visionInput(resizeLikePil(img, cw, ch, 'lanczos'), info.vision);
    visions.push({
      embeds: await on.encodeImage(v.pixelValues, v.gridThw),
      grid: v.gridThw,
      n: v.mergedTokens,
    });
  }
  const pad = info.tokenizer.tokenId('<|image_pad|>');
  const encode = async (instruction: string) => {
    let pictures = '';
    images.forEach((_, i) => (pictures += `Picture ${i + 1}: <|vision_start|><|image_pad|><|vision_end|>`));
    const text =
      "<|im_start|>system\nDescribe the key features of the input image (color, shape, size, texture, objects, background), then explain how the user's text instruction should alter or modify the image. Generate a new image that meets the user's requirements while maintaining consistency with the original input where appropriate.<|im_end|>\n<|im_start|>user\n" +
      `${pictures}${instruction}<|im_end|>\n<|im_start|>assistant\n`;
    const ids: number[] = [];
    let k = 0;
    for (const id of info.tokenizer.encode(text)) {
      if (id === pad) ids.push(...new Array<number>(visions[k++]!.n).fill(pad));
      else ids.push(id);
    }
    const embeds = new Float32Array(visions.reduce((a, v) => a + v.embeds.length, 0));
    let at = 0;
    for (const v of visions) {
      embeds.set(v.embeds, at);
      at += v.embeds.length;
    }
    const { hidden, width } = await on.encodeText(
      Int32Array.from(ids),
      embeds,
      visions.map((v) => v.grid),
    );
    return { hidden: hidden.slice(64 * width), tokens: ids.length - 64 };
  };
  const positive = await encode(prompt);
  const uncond = await encode(negative);
  // VAE: every image at the working area in its own aspect, normalised, packed; the canvas sets the output.
  const shapes: Shape[] = [];
  const refs: Float64Array[] = [];
  for (const img of images) {
    const [vw, vh] = plainDimensions(AREA, img.width / img.height);
    const r = resizeLikePil(img, vw, vh, 'lanczos');
    const planar = new Float32Array(3 * vw * vh);
    for (let i = 0; i < vw * vh; i++)
      for (let c = 0; c < 3; c++) planar[c * vw * vh + i] = (r.rgb[i * 3 + c]! / 255) * 2 - 1;
    const mean = await on.vaeEncode(planar, vw, vh);
    const plane = (vw / 8) * (vh / 8);
    const normed = Array.from(
      mean,
      (v, i) => (v - info.latentsMean[Math.floor(i / plane)]!) / info.latentsStd[Math.floor(i / plane)]!,
    );
    refs.push(plainPack(normed, 16, vh / 8, vw / 8));
    shapes.push([1, vh / 16, vw / 16]);
  }
  const [ow, oh] = plainDimensions(AREA, images[0]!.width / images[0]!.height);
  shapes.unshift([1, oh / 16, ow / 16]);
  let x = plainPack(torchRandn(seed, [1, 1, 16, oh / 8, ow / 8]), 16, oh / 8, ow / 8);
  const sigmas = plainSigmas(steps, (oh / 16) * (ow / 16), info.scheduler);
  const modulateIndex = plainModulateIndex(shapes);
  for (let s = 0; s < steps; s++) {
    const hidden = new Float64Array(x.length + refs.reduce((a, r) => a + r.length, 0));
    hidden.set(x);
    let at = x.length;
    for (const r of refs) {
      hidden.set(r, at);
      at += r.length;
    }
    const velocity = (text: { hidden: Float32Array; tokens: number }) =>
      refTransformer(weights, shape, {
        hidden,
        encoder: text.hidden,
        mask: new Array<number>(text.tokens).fill(1),
        sigma: Math.fround(sigmas[s]!),
        rope: plainRope(shape.axesDimsRope, shapes, text.tokens),
        ...(shape.zeroCondT ? { modulateIndex } : {}),
      }).subarray(0, x.length);
    const v = plainTrueCfg(velocity(positive), velocity(uncond), cfg, 64);
    x = x.map((xi, i) => xi + (sigmas[s + 1]! - sigmas[s]!) * v[i]!);
  }
  return x;
}

describe('Plus pipeline (Edit-2511, zero_cond_t) on the tiny model', () => {
  const sets = () => [[canvas], [canvas, portrait], [canvas, portrait, wide]];
  for (const count of [1, 2, 3]) {
    it(`${count} image(s) of mixed aspects: final latents match the plain loop of the upstream formulas to 1e-4`, async () => {
      const images = sets()[count - 1]!;
      const pipeline = new EditPipeline(model);
      const r = await pipeline.edit(request({ references: images.slice(1) }));
      if (r.status !== 'done') throw new Error('not done');
      const decoded = await Promise.all(images.map((b) => loadRgbImage(b)));
      const want = await plainPlusRun(model, decoded, request().prompt, ' ', 5, 2, 4);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0.1);
      const relative = maxAbsDiff(r.latents, want) / scale;
      // Measured 2.8e-6 to 3.0e-6; without the modulate index in the reference it is 6e-2 to 8e-2.
      expect(relative).toBeLessThanOrEqual(1e-4);
      expect(r.recipe.variant).toBe('edit-2511');
    });
  }

  it('on 2509 (no zero_cond_t) too: 3 images, final latents match the plain loop to 1e-4', async () => {
    const m2509 = await openEditModel(await ensureDemoModel(0, 'edit-2509'), {
      provider: 'cpu',
      threads: 1,
      verify: 'size',
    });
    try {
      const r = await new EditPipeline(m2509).edit(request({ references: [portrait, wide] }));
      if (r.status !== 'done') throw new Error('not done');
      expect(r.recipe.variant).toBe('edit-2509');
      const decoded = await Promise.all([canvas, portrait, wide].map((b) => loadRgbImage(b)));
      const want = await plainPlusRun(m2509, decoded, request().prompt, ' ', 5, 2, 4);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbsDiff(r.latents, want) / scale).toBeLessThanOrEqual(1e-4);
    } finally {
      await m2509.close();
    }
  });

  it('caches each image on its own: another reference set of known images runs neither the vision tower nor the VAE', async () => {
    const pipeline = new EditPipeline(model);
    await pipeline.edit(request({ references: [portrait, wide] }));
    const before = { ...model.runs };
    const r = await pipeline.edit(request({ references: [wide], seed: 9 }));
    if (r.status !== 'done') throw new Error('not done');
    expect(r.cache).toEqual({ prompt: false, negative: false, reference: true });
    expect(model.runs.vision).toBe(before.vision);
    expect(model.runs.vae_encoder).toBe(before.vae_encoder);
    expect(model.runs.text).toBe(before.text + 2);
    // Same images, same prompt: everything comes from the caches; only the transformer and decoder run.
    const again = await pipeline.edit(request({ references: [wide], seed: 10 }));
    expect(again.status === 'done' && again.cache).toEqual({ prompt: true, negative: true, reference: true });
  });

  it('records the variant and every reference hash; the same request replays to the same bytes', async () => {
    const pipeline = new EditPipeline(model);
    const a = await pipeline.edit(request({ references: [portrait, wide] }));
    pipeline.clearCaches();
    const b = await pipeline.edit(request({ references: [portrait, wide] }));
    if (a.status !== 'done' || b.status !== 'done') throw new Error('not done');
    const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    expect(a.recipe).toMatchObject({
      variant: 'edit-2511',
      imageSha256: sha(canvas),
      referenceSha256: [sha(portrait), sha(wide)],
    });
    expect(Buffer.compare(a.png, b.png)).toBe(0);
    // The output follows the canvas image (passed explicitly), not the last image as upstream's default.
    expect([a.width, a.height]).toEqual([160, 96]);
  });

  it('region lock, previews and cancel work with references', async () => {
    const pipeline = new EditPipeline(model);
    const box = { kind: 'box', x: 10, y: 10, width: 40, height: 30 } as const;
    const events: StepEvent[] = [];
    const r = await pipeline.edit(
      request({ references: [wide], region: box, outputMode: 'source', steps: 3 }),
      {
        onStep: (e) => events.push(e),
      },
    );
    if (r.status !== 'done') throw new Error('not done');
    expect(events.map((e) => [e.step, e.preview.width, e.preview.height])).toEqual([
      [1, 20, 12],
      [2, 20, 12],
      [3, 20, 12],
    ]);
    const input = await loadRgbImage(canvas);
    expect([r.width, r.height]).toEqual([120, 90]);
    let outside = 0;
    for (let y = 0; y < 90; y++)
      for (let x = 0; x < 120; x++) {
        if (x >= 10 && x < 50 && y >= 10 && y < 40) continue;
        for (let c = 0; c < 3; c++)
          if (r.rgb[(y * 120 + x) * 3 + c] !== input.rgb[(y * 120 + x) * 3 + c]) outside++;
      }
    expect(outside).toBe(0);
    const controller = new AbortController();
    const cancelled = await pipeline.edit(request({ references: [wide], steps: 3 }), {
      signal: controller.signal,
      onStep: (e) => e.step === 1 && controller.abort(),
    });
    expect(cancelled.status).toBe('cancelled');
    if (cancelled.status === 'cancelled') {
      expect(cancelled.atStep).toBe(1);
      expect(cancelled.recipe.referenceSha256).toHaveLength(1);
    }
  });

  it('refuses a bad reference image by its name, and more references than accepted, before any model runs', async () => {
    const pipeline = new EditPipeline(model);
    const before = { ...model.runs };
    await expect(pipeline.edit(request({ references: [wide, Buffer.from('not an image')] }))).rejects.toThrow(
      /^reference image 2 \(Picture 3\): /,
    );
    await expect(pipeline.edit(request({ references: [wide, Buffer.from('x')] }))).rejects.toBeInstanceOf(
      ImageInputError,
    );
    await expect(pipeline.edit(request({ references: new Array(8).fill(wide) }))).rejects.toThrow(
      /at most 7 reference images are accepted \(Picture 2 to Picture 8\), got 8/,
    );
    await expect(pipeline.edit(request({ references: ['/nonexistent/ref.png'] }))).rejects.toThrow(
      /cannot read reference image 1 \(Picture 2\) file/,
    );
    expect(model.runs).toEqual(before);
  });
});

describe('the first release with reference images', () => {
  it('is refused with the models that take them named, before any model runs', async () => {
    const edit = await openEditModel(await ensureDemoModel(0), {
      provider: 'cpu',
      threads: 1,
      verify: 'size',
    });
    try {
      const pipeline = new EditPipeline(edit);
      await expect(pipeline.edit(request({ references: [wide] }))).rejects.toThrow(EditRequestError);
      await expect(pipeline.edit(request({ references: [wide] }))).rejects.toThrow(
        /Qwen-Image-Edit-2509 or -2511/,
      );
      expect(Object.values(edit.runs).every((n) => n === 0)).toBe(true);
      expect(edit.info.variant).toBe('edit');
    } finally {
      await edit.close();
    }
  });
});
