/**
 * The vocabulary of an edit, declared once: every limit and default, and the recipe and timings a run
 * reports. The pipeline validates against it; the app's contract and controls re-export it through
 * `electron/shared/editVocabulary.ts`. It imports nothing, so every layer may depend on it.
 */

/** Inclusive ranges; `default` is what a request that leaves the field out gets. */
export const EDIT_LIMITS = {
  /** 32 bits, the range the random seed is drawn from. */
  seed: { min: 0, max: 2 ** 32 - 1 },
  /** 1 turns CFG off (the name `cfg` and diffusers' `true_cfg_scale` meet in electron/core/editRecipe.ts). */
  cfg: { min: 1, max: 30, default: 4 },
  steps: { min: 1, max: 150, default: 50 },
  /** An output side in pixels (floored to a multiple of 16, the latent grid). */
  side: { min: 16, max: 4096 },
  /** The working area in pixels: the reference image's size budget and the default output size. */
  area: { min: 64 * 64, max: 4096 * 4096, default: 1024 * 1024 },
  /** Feather width in input pixels inside a region. */
  feather: { min: 0, max: 512, default: 8 },
  promptChars: { max: 20_000 },
  /** Images after the canvas image ("Picture 2" onwards); upstream's quality is best with three in all. */
  references: { max: 7 },
  /** LoRAs in one run. */
  loras: { max: 8 },
  /** A LoRA's strength: 1 as trained, 0 the base model, negative to push away from it (as ComfyUI allows). */
  loraStrength: { min: -4, max: 4, default: 1 },
} as const;

/** One space, as the official examples: an empty-looking negative prompt that still turns true CFG on. */
export const DEFAULT_NEGATIVE_PROMPT = ' ';

export type MemoryPolicy = 'resident' | 'low-memory';

export type Size = Readonly<{ width: number; height: number }>;

/** A box in input-image pixels, or a grayscale mask image (white = edit, black = keep). */
export type Region =
  | Readonly<{ kind: 'box'; x: number; y: number; width: number; height: number }>
  | Readonly<{ kind: 'mask'; image: string | Uint8Array }>;

/**
 * Where the result goes (issue 12): `source` pastes only the changed area (or the user's region) back onto
 * the full-resolution source, aligned; `whole` returns the model's whole output image (the model's size).
 * The default is `source`, unless an output size is asked for.
 */
export type OutputMode = 'source' | 'whole';

/** How a `source` result was put back: the exact mapping, the drift found, the area recomputed. */
export type PasteBackRecipe = Readonly<{
  /**
   * Source pixels per model-output pixel, per axis; pixel centres map as `(i + ½)·scale − ½` (the
   * convention of Pillow's and libvips' resamplers).
   */
  map: Readonly<{ working: Size; source: Size; scaleX: number; scaleY: number }>;
  /** The model's residual zoom about the centre and shift (output pixels), and whether it was undone. */
  alignment: Readonly<{
    scale: number;
    tx: number;
    ty: number;
    drift: number;
    confidence: number;
    corrected: boolean;
  }>;
  /** What chose the pasted pixels: the user's region or the detected changed area. */
  mask: 'region' | 'changed-area';
  /** The source rectangle that was recomputed (null: nothing changed); every pixel outside keeps its bytes. */
  changedRect: Readonly<{ x: number; y: number; width: number; height: number }> | null;
}>;

/** The released checkpoints the app runs (issue 11); `model.json` records which. */
export type ModelVariant = 'edit' | 'edit-2509' | 'edit-2511';

/** A LoRA to apply to the transformer: 1 = as trained, 0 = the base model bit for bit. */
export type LoraChoice = Readonly<{ path: string; strength: number }>;

/** How a LoRA entered a run: its file's hash, strength and where it was fused. */
export type LoraRecipe = Readonly<{
  name: string;
  sha256: string;
  strength: number;
  fused: 'load' | 'conversion';
}>;

/** The scheduler's settings: the release's (dynamic shift) or Lightning's (shift ln 3, exponential). */
export type SchedulerPreset = 'default' | 'lightning';

/** Qwen2-VL image processor: transformers' slow path (Pillow) or its fast one (torchvision, antialiased). */
export type ImageProcessorPath = 'slow' | 'fast';

/**
 * What a current diffusers + transformers install runs: transformers loads the Qwen2-VL processor of these
 * checkpoints as the fast one even though they were saved with the slow one (transformers PR #39591).
 */
export const DEFAULT_IMAGE_PROCESSOR: ImageProcessorPath = 'fast';

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
  area: number;
  /** The output size the request named; a side left out follows the working size. */
  requestedSize: Readonly<{ width: number | null; height: number | null }>;
  inputSize: Size;
  workingSize: Size;
  outputSize: Size;
  region: Region | null;
  feather: number;
  outputMode: OutputMode;
  /** Null in `whole` mode. */
  pasteBack: PasteBackRecipe | null;
  provider: string;
  memoryPolicy: MemoryPolicy;
  noise: 'torch.randn float32 CPU';
  scheduler: 'FlowMatchEulerDiscrete';
  /** Issue 11; absent in recipes written before it (read as 'edit', no references, no LoRAs, 'default'). */
  variant?: ModelVariant;
  /** The sha256 of each reference image ("Picture 2", "Picture 3", …) after the canvas image. */
  referenceSha256?: readonly string[];
  loras?: readonly LoraRecipe[];
  schedulerPreset?: SchedulerPreset;
  imageProcessor?: ImageProcessorPath;
}>;

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
