/**
 * The request and result types of an edit, and the validation that turns user input into a request the
 * pipeline can run (or a clear refusal).
 */
import type { PreviewImage } from './preview';
import { DEFAULT_IMAGE_PROCESSOR, DEFAULT_NEGATIVE_PROMPT, EDIT_LIMITS } from './edit-vocabulary';
import type {
  EditRecipe,
  EditTimings,
  ImageProcessorPath,
  LoraChoice,
  OutputMode,
  Region,
  SchedulerPreset,
} from './edit-vocabulary';
import { EditError } from './edit-error';

export type { EditRecipe, EditTimings, MemoryPolicy } from './edit-vocabulary';

export type EditRequest = Readonly<{
  /** The input image: a file path or the encoded file's bytes. */
  image: string | Uint8Array;
  /** The instruction; may be empty (the reference allows it). */
  prompt: string;
  /** Negative prompt; CFG runs only when it is set and `cfg` > 1 (default `DEFAULT_NEGATIVE_PROMPT`). */
  negativePrompt?: string | null;
  /** Default: a random 32-bit seed (reported in the recipe). */
  seed?: number;
  /** 1 turns CFG off. */
  cfg?: number;
  steps?: number;
  /** Working area in pixels for the reference image and the default output size. */
  area?: number;
  /**
   * The model's output size; each side is floored to a multiple of 16. Default: the working size. The
   * reference image stays at the working size either way (upstream's semantics).
   */
  width?: number;
  height?: number;
  /** Region lock: outside it the result keeps the input's bytes exactly. */
  region?: Region;
  /** Feather width in input pixels inside the region. */
  feather?: number;
  /** Default: `source`, or `whole` when `width` or `height` is given. */
  outputMode?: OutputMode;
  /** Plus models (2509/2511): further images, "Picture 2" onwards; the canvas image is "Picture 1". */
  references?: readonly (string | Uint8Array)[];
  /** LoRAs fused at load time, in order (issue 11). */
  loras?: readonly LoraChoice[];
  /** Default: 'default'; 'lightning' for the Lightning LoRAs (4/8 steps, CFG 1). */
  schedulerPreset?: SchedulerPreset;
  /** Default: what a current diffusers + transformers install uses. */
  imageProcessor?: ImageProcessorPath;
}>;

/** A request the user can fix; the message names the field and the accepted range. */
export class EditRequestError extends EditError {
  override name = 'EditRequestError';
  readonly code = 'invalid-request';
}

/**
 * Reference images after the canvas image ("Picture 2" …): upstream accepts any number and does best with
 * up to three images in all; this bounds the prompt and the image stream.
 */
export const MAX_REFERENCE_IMAGES = 7;

/** Issue 11's fields, passed through as given until the pipeline reads them. */
type PlusFields = 'references' | 'loras' | 'schedulerPreset' | 'imageProcessor';

export type ValidRequest = Required<
  Omit<EditRequest, 'region' | 'width' | 'height' | 'negativePrompt' | PlusFields>
> &
  Pick<EditRequest, PlusFields> &
  Readonly<{ imageProcessor: ImageProcessorPath }> &
  Readonly<{ region?: Region; width?: number; height?: number; negativePrompt: string | null }>;

/** `value` when it lies in `range` (and is an integer where `integer`), else a refusal naming `what`. */
function checked(what: string, value: number, range: { min: number; max: number }, integer = false): number {
  const ok = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (ok && value >= range.min && value <= range.max) return value;
  throw new EditRequestError(
    `${what} must be ${integer ? 'an integer ' : ''}from ${range.min} to ${range.max}, got ${value}`,
  );
}

/** Fills defaults and checks ranges. */
export function validateEditRequest(request: EditRequest, randomSeed: () => number): ValidRequest {
  const L = EDIT_LIMITS;
  const steps = checked('steps', request.steps ?? L.steps.default, L.steps, true);
  const cfg = checked('CFG scale', request.cfg ?? L.cfg.default, L.cfg);
  const seed = checked('seed', request.seed ?? randomSeed(), L.seed, true);
  const area = checked('working area (pixels)', request.area ?? L.area.default, L.area);
  if (request.width !== undefined) checked('width', request.width, L.side, true);
  if (request.height !== undefined) checked('height', request.height, L.side, true);
  const feather = checked('feather (pixels)', request.feather ?? L.feather.default, L.feather);
  if (typeof request.prompt !== 'string') throw new EditRequestError('prompt must be a string');
  const negativePrompt =
    request.negativePrompt === undefined ? DEFAULT_NEGATIVE_PROMPT : request.negativePrompt;
  const references = request.references ?? [];
  if (
    !Array.isArray(references) ||
    references.some((r) => typeof r !== 'string' && !(r instanceof Uint8Array))
  )
    throw new EditRequestError('reference images must be a list of image file paths or encoded image bytes');
  if (references.length > MAX_REFERENCE_IMAGES)
    throw new EditRequestError(
      `at most ${MAX_REFERENCE_IMAGES} reference images are accepted (Picture 2 to Picture ${MAX_REFERENCE_IMAGES + 1}), got ${references.length}`,
    );
  const plus = validPlusFields(request);
  const sized = request.width !== undefined || request.height !== undefined;
  const outputMode = request.outputMode ?? (sized ? 'whole' : 'source');
  if (outputMode !== 'source' && outputMode !== 'whole')
    throw new EditRequestError(`output mode must be 'source' or 'whole', got '${String(outputMode)}'`);
  const imageProcessor = request.imageProcessor ?? DEFAULT_IMAGE_PROCESSOR;
  if (imageProcessor !== 'fast' && imageProcessor !== 'slow')
    throw new EditRequestError(`image processor must be 'fast' or 'slow', got '${String(imageProcessor)}'`);
  return {
    image: request.image,
    prompt: request.prompt,
    negativePrompt,
    seed,
    cfg,
    steps,
    area,
    feather,
    outputMode,
    imageProcessor,
    ...(request.width !== undefined ? { width: request.width } : {}),
    ...(request.height !== undefined ? { height: request.height } : {}),
    ...(request.region ? { region: request.region } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...plus,
  };
}

const SCHEDULER_PRESETS: readonly SchedulerPreset[] = ['default', 'lightning'];

/** The LoRA list and the scheduler preset, checked (references and the image processor: above). */
function validPlusFields(request: EditRequest): Pick<EditRequest, 'loras' | 'schedulerPreset'> {
  const { loras, schedulerPreset } = request;
  if (schedulerPreset !== undefined && !SCHEDULER_PRESETS.includes(schedulerPreset))
    throw new EditRequestError(
      `scheduler preset must be one of ${SCHEDULER_PRESETS.join(', ')}, got '${String(schedulerPreset)}'`,
    );
  for (const [i, lora] of (loras ?? []).entries()) {
    if (typeof lora?.path !== 'string' || lora.path.length === 0)
      throw new EditRequestError(`LoRA ${i + 1} needs a file path`);
    checked(`LoRA ${lora.path}: strength`, lora.strength, EDIT_LIMITS.loraStrength);
  }
  return {
    ...(loras !== undefined ? { loras } : {}),
    ...(schedulerPreset !== undefined ? { schedulerPreset } : {}),
  };
}

/** What `onStep` receives after every denoising step. */
export type StepEvent = Readonly<{
  step: number;
  steps: number;
  sigma: number;
  /** The x0 estimate at latent resolution (1/8 of the output size), RGBA8. */
  preview: PreviewImage;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}>;

export type EditResult =
  | Readonly<{
      status: 'done';
      /** The edited image as PNG bytes. */
      png: Buffer;
      /** The final packed latents `[(h/2)·(w/2), 64]` (normalised), as decoded. */
      latents: Float32Array;
      /** Interleaved RGB8 of the result. */
      rgb: Uint8Array;
      width: number;
      height: number;
      recipe: EditRecipe;
      timings: EditTimings;
      /** Which caches were hit. */
      cache: Readonly<{ prompt: boolean; negative: boolean; reference: boolean }>;
    }>
  | Readonly<{ status: 'cancelled'; recipe: EditRecipe; timings: EditTimings; atStep: number }>;
