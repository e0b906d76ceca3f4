/**
 * The edit run (spec §1): image + instruction in, edited image out, with per-step previews, cancellation
 * between any two model runs, prompt-embedding and reference-latent caches, and a memory policy. On the Plus
 * models (Edit-2509/2511, `QwenImageEditPlusPipeline`) the canvas image is followed by reference images: each
 * goes to the vision tower at 384² area and to the VAE at the working area, both in its own aspect, and every
 * image's latents join the noise in the transformer's image stream (spec §11.2).
 */
import { createHash, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { editPromptTokens } from './edit-prompt';
import { plusPromptTokens } from './plus-prompt';
import type { EditModel, TokenGrid } from './edit-model';
import { EDIT_LIMITS } from './edit-vocabulary';
import type { ImageProcessorPath, LoraRecipe, PasteBackRecipe, Size } from './edit-vocabulary';
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
  /** Entries per cache (default 8 prompts, 8 images: the Plus models' references are cached one by one). */
  promptCacheSize?: number;
  referenceCacheSize?: number;
}>;

type PromptEmbeds = Readonly<{ hidden: Float32Array; tokens: number }>;
type VisionEmbeds = Readonly<{
  embeds: Float32Array;
  gridThw: readonly [number, number, number];
  mergedTokens: number;
}>;
/** One image's packed VAE latents (the transformer's reference tokens) and their latent grid. */
type Reference = Readonly<{ tokens: Float32Array; grid: LatentGrid }>;
type Prompts = Readonly<{ positive: PromptEmbeds; negative?: PromptEmbeds }>;
type Noise = Readonly<{ x: Float32Array; grid: LatentGrid; schedule: ReturnType<typeof flowMatchSchedule> }>;

/** The Qwen2.5-VL condition images of the Plus pipeline: 384² area, each in its own aspect (upstream's CONDITION_IMAGE_SIZE). */
const PLUS_CONDITION_AREA = 384 * 384;

/** One decoded input image, its hash and the size it runs at. */
type SourceImage = Readonly<{
  input: RgbImage;
  sha256: string;
  /** `calculate_dimensions` at the request's area in the image's own aspect (multiples of 32). */
  working: Size;
  /** The input resized to the working size (the VAE encoder's input; the first release's vision input too). */
  resized: RgbImage;
  /** Cache key of everything derived from the image at this size on this model. */
  key: string;
}>;

/** The canvas image (whose size the output follows), the reference images after it, and the output size. */
type EditInput = SourceImage &
  Readonly<{
    output: Size;
    /** "Picture 2", "Picture 3", …: only on the Plus models. */
    references: readonly SourceImage[];
    /** The Plus pipeline's template, condition images and per-image latents. */
    plus: boolean;
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
    this.visions = new LruCache(options.referenceCacheSize ?? 8);
    this.references = new LruCache(options.referenceCacheSize ?? 8);
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
      const references = await this.encodeReferences(run, image);
      if (this.memoryPolicy === 'low-memory') await this.model.release(['vision', 'text', 'vae_encoder']);
      const noise = this.prepareNoise(req, image.output);
      await this.denoise(run, noise, references, prompts);
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

  /** Reads and decodes every image, hashes them (cache keys, recipe) and works out the sizes. */
  private async loadInput(req: ValidRequest): Promise<EditInput> {
    const info = this.model.info;
    const plus = info.variant !== 'edit';
    const sources = req.references ?? [];
    if (sources.length > 0 && !plus) {
      throw new EditRequestError(
        `this model (Qwen-Image-Edit) takes one image; reference images need Qwen-Image-Edit-2509 or -2511`,
      );
    }
    const images = 1 + sources.length;
    const checkPrompt = (text: string) =>
      plus
        ? plusPromptTokens(info.tokenizer, text, new Array<number>(images).fill(1))
        : editPromptTokens(info.tokenizer, text, 1);
    checkPrompt(req.prompt);
    if (req.negativePrompt !== null) checkPrompt(req.negativePrompt);
    const canvas = await this.loadSource(req.image, req.area, 'the image');
    const references: SourceImage[] = [];
    for (const [i, source] of sources.entries())
      references.push(await this.loadSource(source, req.area, `reference image ${i + 1} (Picture ${i + 2})`));
    return {
      ...canvas,
      output: outputSize(canvas.working, { width: req.width, height: req.height }),
      references,
      plus,
    };
  }

  /** One image: read, decoded, hashed and resized to its working size. `what` names it in errors. */
  private async loadSource(source: string | Uint8Array, area: number, what: string): Promise<SourceImage> {
    const info = this.model.info;
    const bytes =
      typeof source === 'string'
        ? await readFile(source).catch((error: Error) => {
            throw new ImageInputError(`cannot read ${what} file: ${error.message}`);
          })
        : source;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const input = await loadRgbImage(bytes).catch((error: Error) => {
      throw what === 'the image' ? error : new ImageInputError(`${what}: ${error.message}`);
    });
    if (Math.max(input.width, input.height) / Math.min(input.width, input.height) > 200) {
      // The Qwen2-VL processor refuses these too (smart_resize).
      throw new ImageInputError(
        `${what} is ${input.width}x${input.height}; aspect ratios beyond 200:1 are not supported — crop it`,
      );
    }
    const working = calculateDimensions(input.width, input.height, area);
    return {
      input,
      sha256,
      working,
      resized: resizeLikePil(input, working.width, working.height, 'lanczos'),
      key: `${info.id}|${info.hashes['model.json']}|${sha256}|${working.width}x${working.height}`,
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

  /** 2. Every image's latents (the canvas first, then the references), packed into tokens; cached per image. */
  private async encodeReferences(run: Run, image: EditInput): Promise<Reference[]> {
    const out: Reference[] = [];
    let allCached = true;
    for (const source of [image, ...image.references]) {
      checkpoint(run);
      const hit = this.references.get(source.key);
      allCached &&= hit !== undefined;
      out.push(hit ?? (await this.encodeReference(run, source)));
    }
    run.cache.reference = allCached;
    return out;
  }

  private async encodeReference(run: Run, { key, resized, working }: SourceImage): Promise<Reference> {
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

  /**
   * 4. The denoising loop: `x` becomes the final latents; a preview after every step. The image stream is
   * `[noise | image 1 | image 2 | …]` and `img_shapes` lists their grids in that order (RoPE frame k for image k).
   */
  private async denoise(
    run: Run,
    { x, grid, schedule }: Noise,
    references: readonly Reference[],
    prompts: Prompts,
  ) {
    const { req, timings, onStep } = run;
    const info = this.model.info;
    const grids: TokenGrid[] = [
      [1, grid.height / 2, grid.width / 2],
      ...references.map((r): TokenGrid => [1, r.grid.height / 2, r.grid.width / 2]),
    ];
    const joint = new Float32Array(references.reduce((n, r) => n + r.tokens.length, x.length));
    let offset = x.length;
    for (const r of references) {
      joint.set(r.tokens, offset);
      offset += r.tokens.length;
    }
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
    const sources = [image, ...image.references];
    const processor = run.req.imageProcessor;
    const key = `${sources.map((s) => s.key).join('|')}|${image.plus ? 'plus' : 'edit'}|${processor}|${prompt}`;
    const hit = this.prompts.get(key);
    if (hit) return { embeds: hit, cached: true };
    const info = this.model.info;
    const visions: VisionEmbeds[] = [];
    for (const source of sources) visions.push(await this.visionEmbeds(run, source, image.plus, processor));
    const mergedTokens = visions.map((v) => v.mergedTokens);
    const tokens = image.plus
      ? plusPromptTokens(info.tokenizer, prompt, mergedTokens)
      : editPromptTokens(info.tokenizer, prompt, mergedTokens[0]!);
    const visionEmbeds = concatFloat32(visions.map((v) => v.embeds));
    checkpoint(run);
    const embeds = await timed(run.timings, 'text', async () => {
      const grids = visions.map((v) => v.gridThw);
      const { hidden, width } = await this.model.encodeText(tokens.ids, visionEmbeds, grids);
      return {
        hidden: hidden.slice(tokens.drop * width, tokens.ids.length * width),
        tokens: tokens.ids.length - tokens.drop,
      };
    });
    this.prompts.set(key, embeds);
    return { embeds, cached: false };
  }

  /**
   * One image's vision-tower tokens, cached per image: the first release sees the working-size image, the
   * Plus pipeline a condition image at 384² area in the image's aspect, resized from the original.
   */
  private async visionEmbeds(
    run: Run,
    source: SourceImage,
    plus: boolean,
    processor: ImageProcessorPath,
  ): Promise<VisionEmbeds> {
    const condition = plus
      ? calculateDimensions(source.input.width, source.input.height, PLUS_CONDITION_AREA)
      : source.working;
    const size = plus ? `|vl${condition.width}x${condition.height}` : '';
    const key = `${source.key}${size}|${processor}`;
    const hit = this.visions.get(key);
    if (hit) return hit;
    checkpoint(run);
    const vision = await timed(run.timings, 'vision', async () => {
      const image = plus
        ? resizeLikePil(source.input, condition.width, condition.height, 'lanczos')
        : source.resized;
      const v = visionInput(image, this.model.info.vision, processor);
      const embeds = await this.model.encodeImage(v.pixelValues, v.gridThw);
      return { embeds, gridThw: v.gridThw, mergedTokens: v.mergedTokens };
    });
    this.visions.set(key, vision);
    return vision;
  }

  /** The recipe of this run (built when it ends: the provider is only known once the sessions exist). */
  private recipe(
    req: ValidRequest,
    image: EditInput,
    cfgActive: boolean,
    pasteBack: PasteBackRecipe | null,
    loras: readonly LoraRecipe[],
  ): EditRecipe {
    const { input, sha256, working, output, references } = image;
    const info = this.model.info;
    return {
      model: { id: info.id, precision: info.precision, hashes: info.hashes },
      variant: info.variant,
      imageSha256: sha256,
      ...(references.length > 0 ? { referenceSha256: references.map((r) => r.sha256) } : {}),
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

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
