/**
 * The edit run (spec §1): image + instruction in, edited image out, with per-step previews, cancellation
 * between any two model runs, prompt-embedding and reference-latent caches, and a memory policy.
 */
import { createHash, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { editPromptTokens } from './edit-prompt';
import type { EditModel, TokenGrid } from './edit-model';
import type {
  EditRecipe,
  EditRequest,
  EditResult,
  EditTimings,
  MemoryPolicy,
  StepEvent,
  ValidRequest,
} from './edit-request';
import { validateEditRequest } from './edit-request';
import { calculateDimensions, outputSize } from './image-size';
import { latentGrid, denormalizeLatents, normalizeLatents, packLatents, unpackLatents } from './latents';
import type { LatentGrid } from './latents';
import { encodePng, ImageInputError, loadRgbImage } from './load-image';
import { resizeLikePil } from './pil-resample';
import type { RgbImage } from './load-image';
import { LruCache } from './lru-cache';
import { previewFromTokens } from './preview';
import { compositeRegion, featherAlpha, regionCoverage } from './region-mask';
import { eulerStep, flowMatchSchedule } from './scheduler';
import { torchRandn } from './torch-randn';
import { trueCfg } from './true-cfg';
import { rgb8ToVaeInput, vaeOutputToRgb8 } from './vae-image';
import { visionInput } from './vision-input';

export type EditRunOptions = Readonly<{
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
}>;

export type EditPipelineOptions = Readonly<{
  memoryPolicy?: MemoryPolicy;
  /** Entries per cache (default 8 prompts, 4 reference images). */
  promptCacheSize?: number;
  referenceCacheSize?: number;
}>;

type PromptEmbeds = Readonly<{ hidden: Float32Array; tokens: number }>;
type VisionEmbeds = Readonly<{
  embeds: Float32Array;
  gridThw: readonly [number, number, number];
  mergedTokens: number;
}>;
type Reference = Readonly<{ tokens: Float32Array; grid: LatentGrid }>;

class Cancelled extends Error {}

const now = () => performance.now();

/** Runs edits on one model, keeping sessions and caches between runs. */
export class EditPipeline {
  readonly memoryPolicy: MemoryPolicy;
  private readonly prompts: LruCache<PromptEmbeds>;
  private readonly visions: LruCache<VisionEmbeds>;
  private readonly references: LruCache<Reference>;
  private busy = false;

  constructor(
    readonly model: EditModel,
    options: EditPipelineOptions = {},
  ) {
    this.memoryPolicy = options.memoryPolicy ?? 'resident';
    this.prompts = new LruCache(options.promptCacheSize ?? 8);
    this.visions = new LruCache(options.referenceCacheSize ?? 4);
    this.references = new LruCache(options.referenceCacheSize ?? 4);
  }

  /** Empties the prompt and reference caches. */
  clearCaches(): void {
    this.prompts.clear();
    this.visions.clear();
    this.references.clear();
  }

  /**
   * Runs one edit. Throws `EditRequestError`, `ImageInputError` or `PromptError` for bad input; resolves
   * `{ status: 'cancelled' }` when `signal` aborts (checked before every model run).
   */
  async edit(request: EditRequest, options: EditRunOptions = {}): Promise<EditResult> {
    if (this.busy) throw new Error('this pipeline is already running an edit; wait for it or cancel it');
    this.busy = true;
    try {
      return await this.run(
        validateEditRequest(request, () => randomInt(0, 2 ** 32)),
        options,
      );
    } finally {
      this.busy = false;
    }
  }

  private async run(req: ValidRequest, { signal, onStep }: EditRunOptions): Promise<EditResult> {
    const t0 = now();
    const timings: EditTimings = {
      load: 0,
      vision: 0,
      text: 0,
      vaeEncode: 0,
      transformerPerStep: [],
      hostPerStep: [],
      previewPerStep: [],
      vaeDecode: 0,
      finish: 0,
      total: 0,
    };
    const model = this.model;
    const info = model.info;
    const checkpoint = () => {
      if (signal?.aborted) throw new Cancelled();
    };

    // Input image: hash the bytes (cache keys, recipe), decode, work out the sizes.
    // Bad prompts are refused before any model runs.
    editPromptTokens(info.tokenizer, req.prompt, 1);
    if (req.negativePrompt !== null) editPromptTokens(info.tokenizer, req.negativePrompt, 1);
    const bytes =
      typeof req.image === 'string'
        ? await readFile(req.image).catch((error: Error) => {
            throw new ImageInputError(`cannot read the image file: ${error.message}`);
          })
        : req.image;
    const imageSha256 = createHash('sha256').update(bytes).digest('hex');
    const input = await loadRgbImage(bytes);
    if (Math.max(input.width, input.height) / Math.min(input.width, input.height) > 200) {
      // The Qwen2-VL processor refuses these too (smart_resize).
      throw new ImageInputError(
        `the image is ${input.width}x${input.height}; aspect ratios beyond 200:1 are not supported — crop it`,
      );
    }
    const working = calculateDimensions(input.width, input.height, req.area);
    const output = outputSize(working, { width: req.width, height: req.height });
    const cfgActive = req.cfg > 1 && req.negativePrompt !== null;
    // Built when the run ends: the provider is only known once the sessions exist.
    const recipe = (): EditRecipe => ({
      model: { id: info.id, precision: info.precision, hashes: info.hashes },
      imageSha256,
      prompt: req.prompt,
      negativePrompt: req.negativePrompt,
      seed: req.seed,
      cfg: req.cfg,
      cfgActive,
      steps: req.steps,
      inputSize: { width: input.width, height: input.height },
      workingSize: working,
      outputSize: output,
      region: req.region ?? null,
      feather: req.feather,
      provider: info.provider,
      memoryPolicy: this.memoryPolicy,
      noise: 'torch.randn float32 CPU',
      scheduler: 'FlowMatchEulerDiscrete',
    });
    const resized = resizeLikePil(input, working.width, working.height, 'lanczos');
    timings.load = now() - t0;

    const imageKey = `${info.id}|${info.hashes['model.json']}|${imageSha256}|${working.width}x${working.height}`;
    const cache = { prompt: false, negative: false, reference: false };
    let step = 0;
    try {
      // Prompt embeddings (vision tower once per image, language model once per prompt).
      const positive = await this.promptEmbeds(imageKey, resized, req.prompt, checkpoint, timings);
      cache.prompt = positive.cached;
      let negative: PromptEmbeds | undefined;
      if (cfgActive) {
        const n = await this.promptEmbeds(imageKey, resized, req.negativePrompt!, checkpoint, timings);
        cache.negative = n.cached;
        negative = n.embeds;
      }

      // Reference latents.
      checkpoint();
      let reference = this.references.get(imageKey);
      cache.reference = reference !== undefined;
      if (!reference) {
        const tv = now();
        const grid = latentGrid(working.width, working.height);
        const mean = await model.vaeEncode(
          rgb8ToVaeInput(resized.rgb, working.width, working.height),
          working.width,
          working.height,
        );
        normalizeLatents(mean, info.latentsMean, info.latentsStd);
        reference = { tokens: packLatents(mean, grid, info.latentChannels), grid };
        this.references.set(imageKey, reference);
        timings.vaeEncode = now() - tv;
      }
      if (this.memoryPolicy === 'low-memory') await model.release(['vision', 'text', 'vae_encoder']);

      // Noise and schedule.
      const grid = latentGrid(output.width, output.height);
      const features = info.latentChannels * 4;
      const noiseTokens = (grid.height / 2) * (grid.width / 2);
      const x = packLatents(
        torchRandn(req.seed, [1, 1, info.latentChannels, grid.height, grid.width]),
        grid,
        info.latentChannels,
      );
      const schedule = flowMatchSchedule(req.steps, noiseTokens, info.scheduler);
      const grids: TokenGrid[] = [
        [1, grid.height / 2, grid.width / 2],
        [1, reference.grid.height / 2, reference.grid.width / 2],
      ];
      const joint = new Float32Array(x.length + reference.tokens.length);
      joint.set(reference.tokens, x.length);
      const combined = new Float32Array(x.length);
      const previewBuffer = new Uint8ClampedArray(grid.height * grid.width * 4);
      await model.prepareTimesteps?.(schedule.modelTimesteps);

      for (step = 0; step < req.steps; step++) {
        const stepStart = now();
        joint.set(x, 0);
        checkpoint();
        const timestep = schedule.modelTimesteps[step]!;
        let tr = now();
        const cond = (
          await model.transformer(joint, positive.embeds.hidden, positive.embeds.tokens, timestep, grids)
        ).subarray(0, x.length);
        let transformerMs = now() - tr;
        let velocity = cond;
        if (negative) {
          checkpoint();
          tr = now();
          const uncond = (
            await model.transformer(joint, negative.hidden, negative.tokens, timestep, grids)
          ).subarray(0, x.length);
          transformerMs += now() - tr;
          velocity = trueCfg(cond, uncond, req.cfg, features, combined);
        }
        const sigma = schedule.sigmas[step]!;
        let previewMs = 0;
        if (onStep) {
          const tp = now();
          const preview = previewFromTokens(x, velocity, sigma, grid, info.preview, previewBuffer);
          previewMs = now() - tp;
          onStep({ step: step + 1, steps: req.steps, sigma, preview, elapsedMs: now() - t0 });
        }
        eulerStep(x, velocity, sigma, schedule.sigmas[step + 1]!);
        timings.transformerPerStep.push(transformerMs);
        timings.previewPerStep.push(previewMs);
        timings.hostPerStep.push(now() - stepStart - transformerMs);
      }

      // Decode.
      checkpoint();
      if (this.memoryPolicy === 'low-memory') await model.release(['transformer']);
      const td = now();
      const latents = denormalizeLatents(
        unpackLatents(x, grid, info.latentChannels),
        info.latentsMean,
        info.latentsStd,
      );
      const decoded = await model.vaeDecode(latents, grid.width, grid.height);
      timings.vaeDecode = now() - td;
      const tf = now();
      const outW = grid.width * info.vaeScale;
      const outH = grid.height * info.vaeScale;
      let result: RgbImage = { width: outW, height: outH, rgb: vaeOutputToRgb8(decoded, outW, outH) };
      if (req.region) {
        const coverage = await regionCoverage(req.region, input.width, input.height);
        result = await compositeRegion(input, result, featherAlpha(coverage, req.feather));
      }
      const png = await encodePng(result.rgb, result.width, result.height);
      timings.finish = now() - tf;
      timings.total = now() - t0;
      if (this.memoryPolicy === 'low-memory') await model.release(['vae_decoder']);
      return {
        status: 'done',
        png,
        latents: x,
        rgb: result.rgb,
        width: result.width,
        height: result.height,
        recipe: recipe(),
        timings,
        cache,
      };
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      timings.total = now() - t0;
      return { status: 'cancelled', recipe: recipe(), timings, atStep: step };
    }
  }

  private async promptEmbeds(
    imageKey: string,
    image: RgbImage,
    prompt: string,
    checkpoint: () => void,
    timings: EditTimings,
  ): Promise<{ embeds: PromptEmbeds; cached: boolean }> {
    const key = `${imageKey}|${prompt}`;
    const hit = this.prompts.get(key);
    if (hit) return { embeds: hit, cached: true };
    const info = this.model.info;
    let vision = this.visions.get(imageKey);
    if (!vision) {
      checkpoint();
      const tv = now();
      const v = visionInput(image, info.vision);
      const embeds = await this.model.encodeImage(v.pixelValues, v.gridThw);
      vision = { embeds, gridThw: v.gridThw, mergedTokens: v.mergedTokens };
      this.visions.set(imageKey, vision);
      timings.vision += now() - tv;
    }
    const tokens = editPromptTokens(info.tokenizer, prompt, vision.mergedTokens);
    checkpoint();
    const tt = now();
    const { hidden, width } = await this.model.encodeText(tokens.ids, vision.embeds, vision.gridThw);
    const kept = tokens.ids.length - tokens.drop;
    const embeds = { hidden: hidden.slice(tokens.drop * width, tokens.ids.length * width), tokens: kept };
    timings.text += now() - tt;
    this.prompts.set(key, embeds);
    return { embeds, cached: false };
  }
}
