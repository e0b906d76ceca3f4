/**
 * The edit run (spec §1): image + instruction in, edited image out, with per-step previews, cancellation
 * between any two model runs, prompt-embedding and reference-latent caches, and a memory policy.
 */
import { createHash, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { editPromptTokens } from './edit-prompt';
import type { EditModel, TokenGrid } from './edit-model';
import { EDIT_LIMITS } from './edit-vocabulary';
import type { LoraRecipe, PasteBackRecipe, Size } from './edit-vocabulary';
import type {
  EditRecipe,
  EditRequest,
  EditResult,
  EditTimings,
  MemoryPolicy,
  StepEvent,
  ValidRequest,
} from './edit-request';
import { EditRequestError, validateEditRequest } from './edit-request';
import { calculateDimensions, outputSize } from './image-size';
import { latentGrid, denormalizeLatents, normalizeLatents, packLatents, unpackLatents } from './latents';
import type { LatentGrid } from './latents';
import { encodePng, ImageInputError, loadRgbImage } from './load-image';
import { resizeLikePil } from './pil-resample';
import type { RgbImage } from './load-image';
import { LruCache } from './lru-cache';
import { pasteOntoSource } from './paste-onto-source';
import { previewFromTokens } from './preview';
import { compositeRegion, featherAlpha, regionCoverage } from './region-mask';
import { eulerStep, flowMatchSchedule } from './scheduler';
import { schedulerFor } from './scheduler-presets';
import { torchRandn } from './torch-randn';
import { trueCfg } from './true-cfg';
import { stopwatch, timed } from './stopwatch';
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
type Prompts = Readonly<{ positive: PromptEmbeds; negative?: PromptEmbeds }>;
type Noise = Readonly<{ x: Float32Array; grid: LatentGrid; schedule: ReturnType<typeof flowMatchSchedule> }>;

/** The decoded input image, its hash and the sizes it runs at. */
type EditInput = Readonly<{
  input: RgbImage;
  imageSha256: string;
  working: Size;
  output: Size;
  /** The input resized to the working size (vision tower and VAE encoder). */
  resized: RgbImage;
  /** Cache key of everything derived from the image at this size on this model. */
  key: string;
}>;

/** One run's state, handed from stage to stage. */
type Run = {
  readonly req: ValidRequest;
  readonly signal?: AbortSignal;
  readonly onStep?: (event: StepEvent) => void;
  /** Milliseconds since the run started. */
  readonly elapsed: () => number;
  readonly timings: EditTimings;
  readonly cache: { prompt: boolean; negative: boolean; reference: boolean };
  /** Denoising steps finished: what a cancelled run reports. */
  step: number;
};

class Cancelled extends Error {}

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
        validateEditRequest(request, () => randomInt(0, EDIT_LIMITS.seed.max + 1)),
        options,
      );
    } finally {
      this.busy = false;
    }
  }

  /** The stages of one run, in order (as diffusers' `__call__`). */
  private async run(req: ValidRequest, { signal, onStep }: EditRunOptions): Promise<EditResult> {
    const timings = emptyTimings();
    const run: Run = { req, signal, onStep, elapsed: stopwatch(), timings, cache: noCacheHits(), step: 0 };
    // Stage 0, the input: bad prompts and images are refused before any model runs.
    const image = await timed(timings, 'load', () => this.loadInput(req));
    const cfgActive = req.cfg > 1 && req.negativePrompt !== null;
    // Load-time LoRAs are fused (or found unchanged) before any model runs; a bad one refuses the request.
    const loras = await this.useLoras(req);
    const recipe = (pasteBack: PasteBackRecipe | null = null) =>
      this.recipe(req, image, cfgActive, pasteBack, loras);
    try {
      const prompts = await this.encodePrompt(run, image, cfgActive);
      const reference = await this.encodeReference(run, image);
      if (this.memoryPolicy === 'low-memory') await this.model.release(['vision', 'text', 'vae_encoder']);
      const noise = this.prepareNoise(req, image.output);
      await this.denoise(run, noise, reference, prompts);
      const { pasteBack, ...result } = await this.decodeAndComposite(run, image, noise);
      const done = { ...result, latents: noise.x, recipe: recipe(pasteBack), timings, cache: run.cache };
      return { status: 'done', ...done };
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      timings.total = run.elapsed();
      return { status: 'cancelled', recipe: recipe(), timings, atStep: run.step };
    }
  }

  private async useLoras(req: ValidRequest): Promise<readonly LoraRecipe[]> {
    if (this.model.useLoras) return this.model.useLoras(req.loras ?? []);
    if (req.loras?.length) throw new EditRequestError('this model cannot apply LoRAs');
    return [];
  }

  /** Reads and decodes the image, hashes it (cache keys, recipe) and works out the sizes. */
  private async loadInput(req: ValidRequest): Promise<EditInput> {
    const info = this.model.info;
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
    return {
      input,
      imageSha256,
      working,
      output: outputSize(working, { width: req.width, height: req.height }),
      resized: resizeLikePil(input, working.width, working.height, 'lanczos'),
      key: `${info.id}|${info.hashes['model.json']}|${imageSha256}|${working.width}x${working.height}`,
    };
  }

  /** 1. Prompt embeddings: the vision tower once per image, the language model once per prompt. */
  private async encodePrompt(run: Run, image: EditInput, cfgActive: boolean): Promise<Prompts> {
    const positive = await this.promptEmbeds(run, image, run.req.prompt);
    run.cache.prompt = positive.cached;
    if (!cfgActive) return { positive: positive.embeds };
    const negative = await this.promptEmbeds(run, image, run.req.negativePrompt!);
    run.cache.negative = negative.cached;
    return { positive: positive.embeds, negative: negative.embeds };
  }

  /** 2. The reference image's latents, packed into tokens. */
  private async encodeReference(run: Run, { key, resized, working }: EditInput): Promise<Reference> {
    checkpoint(run);
    const hit = this.references.get(key);
    run.cache.reference = hit !== undefined;
    if (hit) return hit;
    const info = this.model.info;
    const reference = await timed(run.timings, 'vaeEncode', async () => {
      const grid = latentGrid(working.width, working.height);
      const mean = await this.model.vaeEncode(
        rgb8ToVaeInput(resized.rgb, working.width, working.height),
        working.width,
        working.height,
      );
      normalizeLatents(mean, info.latentsMean, info.latentsStd);
      return { tokens: packLatents(mean, grid, info.latentChannels), grid };
    });
    this.references.set(key, reference);
    return reference;
  }

  /** 3. The seed's noise at the output's latent size, and the schedule. */
  private prepareNoise(req: ValidRequest, output: Size): Noise {
    const info = this.model.info;
    const grid = latentGrid(output.width, output.height);
    const x = packLatents(
      torchRandn(req.seed, [1, 1, info.latentChannels, grid.height, grid.width]),
      grid,
      info.latentChannels,
    );
    const noiseTokens = (grid.height / 2) * (grid.width / 2);
    const scheduler = schedulerFor(req.schedulerPreset ?? 'default', info.scheduler);
    return { x, grid, schedule: flowMatchSchedule(req.steps, noiseTokens, scheduler) };
  }

  /** 4. The denoising loop: `x` becomes the final latents; a preview after every step. */
  private async denoise(run: Run, { x, grid, schedule }: Noise, reference: Reference, prompts: Prompts) {
    const { req, timings, onStep } = run;
    const info = this.model.info;
    const grids: TokenGrid[] = [
      [1, grid.height / 2, grid.width / 2],
      [1, reference.grid.height / 2, reference.grid.width / 2],
    ];
    const joint = new Float32Array(x.length + reference.tokens.length);
    joint.set(reference.tokens, x.length);
    const combined = new Float32Array(x.length);
    const previewBuffer = new Uint8ClampedArray(grid.height * grid.width * 4);
    // A split-modulation model computes every step's modulation rows in one run here.
    await this.model.prepareTimesteps?.(schedule.modelTimesteps);
    for (run.step = 0; run.step < req.steps; run.step++) {
      const step = run.step;
      const sinceStepStart = stopwatch();
      joint.set(x, 0);
      checkpoint(run);
      const timestep = schedule.modelTimesteps[step]!;
      const spent = { transformer: 0, preview: 0 };
      const velocityFor = async ({ hidden, tokens }: PromptEmbeds) => {
        const pass = () => this.model.transformer(joint, hidden, tokens, timestep, grids);
        return (await timed(spent, 'transformer', pass)).subarray(0, x.length);
      };
      let velocity = await velocityFor(prompts.positive);
      if (prompts.negative) {
        checkpoint(run);
        const uncond = await velocityFor(prompts.negative);
        velocity = trueCfg(velocity, uncond, req.cfg, info.latentChannels * 4, combined);
      }
      const sigma = schedule.sigmas[step]!;
      if (onStep) {
        const preview = await timed(spent, 'preview', () =>
          previewFromTokens(x, velocity, sigma, grid, info.preview, previewBuffer),
        );
        onStep({ step: step + 1, steps: req.steps, sigma, preview, elapsedMs: run.elapsed() });
      }
      eulerStep(x, velocity, sigma, schedule.sigmas[step + 1]!);
      timings.transformerPerStep.push(spent.transformer);
      timings.previewPerStep.push(spent.preview);
      timings.hostPerStep.push(sinceStepStart() - spent.transformer);
    }
  }

  /**
   * 5. Decodes the latents; in `source` mode pastes the changed area (or the region) back onto the
   * full-resolution input, in `whole` mode composites a region into the input (or returns the output).
   */
  private async decodeAndComposite(run: Run, { input, resized }: EditInput, { x, grid }: Noise) {
    const { req, timings } = run;
    const info = this.model.info;
    checkpoint(run);
    if (this.memoryPolicy === 'low-memory') await this.model.release(['transformer']);
    const decoded = await timed(timings, 'vaeDecode', () =>
      this.model.vaeDecode(
        denormalizeLatents(unpackLatents(x, grid, info.latentChannels), info.latentsMean, info.latentsStd),
        grid.width,
        grid.height,
      ),
    );
    const result = await timed(timings, 'finish', async () => {
      const width = grid.width * info.vaeScale;
      const height = grid.height * info.vaeScale;
      let image: RgbImage = { width, height, rgb: vaeOutputToRgb8(decoded, width, height) };
      let pasteBack: PasteBackRecipe | null = null;
      if (req.outputMode === 'source') {
        const seen =
          resized.width === width && resized.height === height
            ? resized
            : resizeLikePil(input, width, height, 'lanczos');
        const pasted = await pasteOntoSource(input, seen, image, req.region, req.feather);
        image = pasted.image;
        pasteBack = pasted.recipe;
      } else if (req.region) {
        const coverage = await regionCoverage(req.region, input.width, input.height);
        image = await compositeRegion(input, image, featherAlpha(coverage, req.feather));
      }
      return { ...image, png: await encodePng(image.rgb, image.width, image.height), pasteBack };
    });
    timings.total = run.elapsed();
    if (this.memoryPolicy === 'low-memory') await this.model.release(['vae_decoder']);
    return result;
  }

  private async promptEmbeds(run: Run, image: EditInput, prompt: string) {
    const processor = run.req.imageProcessor;
    const imageKey = `${image.key}|${processor}`;
    const key = `${imageKey}|${prompt}`;
    const { resized } = image;
    const hit = this.prompts.get(key);
    if (hit) return { embeds: hit, cached: true };
    const info = this.model.info;
    let vision = this.visions.get(imageKey);
    if (!vision) {
      checkpoint(run);
      vision = await timed(run.timings, 'vision', async () => {
        const v = visionInput(resized, info.vision, processor);
        const embeds = await this.model.encodeImage(v.pixelValues, v.gridThw);
        return { embeds, gridThw: v.gridThw, mergedTokens: v.mergedTokens };
      });
      this.visions.set(imageKey, vision);
    }
    const { embeds: visionEmbeds, gridThw, mergedTokens } = vision;
    const tokens = editPromptTokens(info.tokenizer, prompt, mergedTokens);
    checkpoint(run);
    const embeds = await timed(run.timings, 'text', async () => {
      const { hidden, width } = await this.model.encodeText(tokens.ids, visionEmbeds, gridThw);
      return {
        hidden: hidden.slice(tokens.drop * width, tokens.ids.length * width),
        tokens: tokens.ids.length - tokens.drop,
      };
    });
    this.prompts.set(key, embeds);
    return { embeds, cached: false };
  }

  /** The recipe of this run (built when it ends: the provider is only known once the sessions exist). */
  private recipe(
    req: ValidRequest,
    image: EditInput,
    cfgActive: boolean,
    pasteBack: PasteBackRecipe | null,
    loras: readonly LoraRecipe[],
  ): EditRecipe {
    const { input, imageSha256, working, output } = image;
    const info = this.model.info;
    return {
      model: { id: info.id, precision: info.precision, hashes: info.hashes },
      imageSha256,
      prompt: req.prompt,
      negativePrompt: req.negativePrompt,
      seed: req.seed,
      cfg: req.cfg,
      cfgActive,
      steps: req.steps,
      area: req.area,
      requestedSize: { width: req.width ?? null, height: req.height ?? null },
      inputSize: { width: input.width, height: input.height },
      workingSize: working,
      outputSize: output,
      region: req.region ?? null,
      feather: req.feather,
      outputMode: req.outputMode,
      pasteBack,
      provider: info.provider,
      memoryPolicy: this.memoryPolicy,
      noise: 'torch.randn float32 CPU',
      scheduler: 'FlowMatchEulerDiscrete',
      imageProcessor: req.imageProcessor,
      schedulerPreset: req.schedulerPreset ?? 'default',
      loras,
    };
  }
}

function checkpoint(run: Run): void {
  if (run.signal?.aborted) throw new Cancelled();
}

const emptyTimings = (): EditTimings => ({
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
});

const noCacheHits = () => ({ prompt: false, negative: false, reference: false });
