/**
 * The request and result types of an edit, and the validation that turns user input into a request the
 * pipeline can run (or a clear refusal).
 */
import type { Region } from './region-mask';
import type { PreviewImage } from './preview';

export type MemoryPolicy = 'resident' | 'low-memory';

export type EditRequest = Readonly<{
  /** The input image: a file path or the encoded file's bytes. */
  image: string | Uint8Array;
  /** The instruction; may be empty (the reference allows it). */
  prompt: string;
  /** Negative prompt; CFG runs only when it is set and `cfg` > 1 (default ' ', as the official examples). */
  negativePrompt?: string | null;
  /** Default: a random 32-bit seed (reported in the recipe). */
  seed?: number;
  /** true_cfg_scale, default 4. 1 turns CFG off. */
  cfg?: number;
  /** Denoising steps, default 50. */
  steps?: number;
  /** Working area in pixels for the reference image and the default output size (default 1024²). */
  area?: number;
  /** Output size; each side is floored to a multiple of 16. Default: the working size. */
  width?: number;
  height?: number;
  /** Region lock: outside it the result keeps the input's bytes exactly. */
  region?: Region;
  /** Feather width in input pixels inside the region (default 8). */
  feather?: number;
}>;

export const LIMITS = {
  minSteps: 1,
  maxSteps: 150,
  minCfg: 1,
  maxCfg: 30,
  minArea: 64 * 64,
  maxArea: 4096 * 4096,
} as const;

/** A request the user can fix; the message names the field and the accepted range. */
export class EditRequestError extends Error {
  override name = 'EditRequestError';
}

export type ValidRequest = Required<Omit<EditRequest, 'region' | 'width' | 'height' | 'negativePrompt'>> &
  Readonly<{ region?: Region; width?: number; height?: number; negativePrompt: string | null }>;

/** Fills defaults and checks ranges. */
export function validateEditRequest(request: EditRequest, randomSeed: () => number): ValidRequest {
  const steps = request.steps ?? 50;
  if (!Number.isInteger(steps) || steps < LIMITS.minSteps || steps > LIMITS.maxSteps) {
    throw new EditRequestError(
      `steps must be an integer from ${LIMITS.minSteps} to ${LIMITS.maxSteps}, got ${steps}`,
    );
  }
  const cfg = request.cfg ?? 4;
  if (!Number.isFinite(cfg) || cfg < LIMITS.minCfg || cfg > LIMITS.maxCfg) {
    throw new EditRequestError(
      `CFG scale must be from ${LIMITS.minCfg} (off) to ${LIMITS.maxCfg}, got ${cfg}`,
    );
  }
  const seed = request.seed ?? randomSeed();
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EditRequestError(`seed must be a non-negative integer, got ${seed}`);
  }
  const area = request.area ?? 1024 * 1024;
  if (!Number.isFinite(area) || area < LIMITS.minArea || area > LIMITS.maxArea) {
    throw new EditRequestError(
      `working area must be from ${LIMITS.minArea} to ${LIMITS.maxArea} pixels, got ${area}`,
    );
  }
  for (const [name, v] of [
    ['width', request.width],
    ['height', request.height],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 16 || v > 4096)) {
      throw new EditRequestError(`${name} must be an integer from 16 to 4096, got ${v}`);
    }
  }
  const feather = request.feather ?? 8;
  if (!Number.isFinite(feather) || feather < 0 || feather > 512) {
    throw new EditRequestError(`feather must be from 0 to 512 pixels, got ${feather}`);
  }
  if (typeof request.prompt !== 'string') throw new EditRequestError('prompt must be a string');
  const negativePrompt = request.negativePrompt === undefined ? ' ' : request.negativePrompt;
  return {
    image: request.image,
    prompt: request.prompt,
    negativePrompt,
    seed,
    cfg,
    steps,
    area,
    feather,
    ...(request.width !== undefined ? { width: request.width } : {}),
    ...(request.height !== undefined ? { height: request.height } : {}),
    ...(request.region ? { region: request.region } : {}),
  };
}

/** Milliseconds per stage of one run. */
export type EditTimings = {
  load: number;
  vision: number;
  text: number;
  vaeEncode: number;
  /** Transformer time per step (both CFG passes). */
  transformerPerStep: number[];
  /** Per step: everything but the transformer (scheduler, CFG combine, packing, preview, callback). */
  hostPerStep: number[];
  previewPerStep: number[];
  vaeDecode: number;
  finish: number;
  total: number;
};

/** Everything needed to reproduce a result. */
export type EditRecipe = Readonly<{
  model: Readonly<{ id: string; precision: string; hashes: Readonly<Record<string, string>> }>;
  imageSha256: string;
  prompt: string;
  negativePrompt: string | null;
  seed: number;
  cfg: number;
  /** Whether true CFG ran (cfg > 1 and a negative prompt). */
  cfgActive: boolean;
  steps: number;
  inputSize: Readonly<{ width: number; height: number }>;
  workingSize: Readonly<{ width: number; height: number }>;
  outputSize: Readonly<{ width: number; height: number }>;
  region: Region | null;
  feather: number;
  provider: string;
  memoryPolicy: MemoryPolicy;
  noise: 'torch.randn float32 CPU';
  scheduler: 'FlowMatchEulerDiscrete';
}>;

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
