/**
 * The edit settings the user is about to run with: instruction, negative prompt, seed, CFG, steps, output
 * size, recent prompts. Not undoable (they are form fields with their own undo); a version's recipe restores
 * them ("Use these settings").
 */
import type { StateCreator } from 'zustand/vanilla';
import { EDIT_LIMITS } from '../../../electron/shared/editVocabulary';
import type { ImageProcessorPath } from '../../../electron/shared/editVocabulary';
import type { Recipe } from '../../../electron/shared/projectSchemas';
import type { AppState } from './appStore';
import { loraPicksFromRecipe } from './lorasSlice';

/**
 * `source`: the result is the input at its own size, with only the changed area (or the region) pasted back;
 * `auto`: the model's whole output at its ≈1 MP budget (small with the demo model); `custom`: the model's
 * whole output at a chosen size.
 */
export type SizeMode = 'auto' | 'source' | 'custom';
export type PixelSize = Readonly<{ width: number; height: number }>;

export const CFG_RANGE = EDIT_LIMITS.cfg;
export const STEPS_RANGE = EDIT_LIMITS.steps;
export const SEED_RANGE = EDIT_LIMITS.seed;
export const MAX_SEED = SEED_RANGE.max;
export const SIDE_RANGE = EDIT_LIMITS.side;
/** Recent prompts kept for the history list, newest first. */
export const MAX_RECENT_PROMPTS = 20;
/** With the demo model on CPU a ≈1 MP step takes seconds; about 512² keeps a run interactive. */
export const DEMO_AREA = 512 * 512;

export const PRESETS = {
  quality: { label: 'Quality 50 steps', steps: 50, cfg: 4 },
  fast: { label: 'Fast', steps: 20, cfg: 4 },
  draft: { label: 'Draft', steps: 8, cfg: 2.5 },
} as const;
export type PresetName = keyof typeof PRESETS;

export type ParamsSlice = {
  prompt: string;
  /** The user's own instruction while `prompt` holds an enhancement of it they accepted; null otherwise. */
  originalPrompt: string | null;
  negativePrompt: string;
  negativeOpen: boolean;
  seed: number;
  seedLocked: boolean;
  cfg: number;
  steps: number;
  sizeMode: SizeMode;
  customSize: PixelSize;
  /** The reference's working area a recipe ran at, when not upstream's default (null: the default). */
  workingArea: number | null;
  /** The vision processor path a restored recipe ran (null: the pipeline's default). */
  imageProcessor: ImageProcessorPath | null;
  feather: number;
  recentPrompts: readonly string[];
  setPrompt(prompt: string): void;
  /** Puts an accepted enhancement in the prompt, remembering the user's own text for the recipe. */
  acceptEnhanced(original: string, enhanced: string): void;
  setNegativePrompt(text: string): void;
  setNegativeOpen(open: boolean): void;
  setSeed(seed: number): void;
  /** A new random seed (the dice). */
  rollSeed(random?: () => number): void;
  setSeedLocked(locked: boolean): void;
  setCfg(cfg: number): void;
  setSteps(steps: number): void;
  setSizeMode(mode: SizeMode): void;
  setCustomSize(size: PixelSize): void;
  setFeather(pixels: number): void;
  applyPreset(name: PresetName): void;
  /** Restores a version's recipe into the controls; its seed is locked so the run reproduces. */
  applyRecipe(recipe: Recipe): void;
  rememberPrompt(prompt: string): void;
  /** A new project starts from the defaults for what belongs to an image (size, seed lock); prompts stay. */
  resetImageParams(): void;
};

export function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** What the user types is rounded to one decimal; a recipe's value (`exact`) is kept as it ran. */
export function clampCfg(value: number, exact = false): number {
  if (!Number.isFinite(value)) return CFG_RANGE.default;
  return Math.min(CFG_RANGE.max, Math.max(CFG_RANGE.min, exact ? value : Math.round(value * 10) / 10));
}

export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (MAX_SEED + 1)) % (MAX_SEED + 1);
}

const floor16 = (v: number) => Math.max(SIDE_RANGE.min, Math.min(SIDE_RANGE.max, Math.floor(v / 16) * 16));

/** Sides in multiples of 16 (the model's grid), at the source's aspect, covering about `area` pixels. */
export function sizeForArea(source: PixelSize, area: number): PixelSize {
  const ratio = source.width / source.height;
  const w = Math.sqrt(area * ratio);
  return { width: floor16(w), height: floor16(w / ratio) };
}

/**
 * The model's output `size` sent with an edit: null lets the engine keep ≈1 MP; the demo model gets a small
 * size instead (the banner says why). In `source` mode the result is the source's size whatever this is.
 */
export function resolveOutputSize(
  mode: SizeMode,
  custom: PixelSize,
  source: PixelSize | null,
  demo: boolean,
): PixelSize | null {
  if (mode === 'custom') return { width: floor16(custom.width), height: floor16(custom.height) };
  if (!source) return null;
  return demo ? sizeForArea(source, Math.min(DEMO_AREA, source.width * source.height)) : null;
}

export const createParamsSlice: StateCreator<AppState, [], [], ParamsSlice> = (set, get) => ({
  prompt: '',
  originalPrompt: null,
  negativePrompt: '',
  negativeOpen: false,
  seed: randomSeed(),
  seedLocked: false,
  cfg: CFG_RANGE.default,
  steps: STEPS_RANGE.default,
  sizeMode: 'source',
  customSize: { width: 512, height: 512 },
  workingArea: null,
  imageProcessor: null,
  feather: EDIT_LIMITS.feather.default,
  recentPrompts: [],
  setPrompt: (prompt) => set(prompt.trim() ? { prompt } : { prompt, originalPrompt: null }),
  acceptEnhanced: (original, enhanced) => set({ prompt: enhanced, originalPrompt: original }),
  setNegativePrompt: (negativePrompt) => set({ negativePrompt }),
  setNegativeOpen: (negativeOpen) => set({ negativeOpen }),
  setSeed: (seed) => set({ seed: clampInt(seed, 0, MAX_SEED) }),
  rollSeed: (random) => set({ seed: randomSeed(random) }),
  setSeedLocked: (seedLocked) => set({ seedLocked }),
  setCfg: (cfg) => set({ cfg: clampCfg(cfg) }),
  setSteps: (steps) => set({ steps: clampInt(steps, STEPS_RANGE.min, STEPS_RANGE.max) }),
  setSizeMode: (sizeMode) => set({ sizeMode }),
  setCustomSize: (size) =>
    set({
      customSize: {
        width: clampInt(size.width, SIDE_RANGE.min, SIDE_RANGE.max),
        height: clampInt(size.height, SIDE_RANGE.min, SIDE_RANGE.max),
      },
    }),
  setFeather: (pixels) =>
    set({ feather: clampInt(pixels, EDIT_LIMITS.feather.min, EDIT_LIMITS.feather.max) }),
  applyPreset: (name) => set({ steps: PRESETS[name].steps, cfg: PRESETS[name].cfg }),
  applyRecipe: (recipe) => {
    const output = recipe.sizes.output;
    const area = recipe.options.area;
    set({
      prompt: recipe.prompt,
      originalPrompt: recipe.originalPrompt ?? null,
      negativePrompt: recipe.negativePrompt.trim() ? recipe.negativePrompt : '',
      negativeOpen: get().negativeOpen || recipe.negativePrompt.trim() !== '',
      seed: clampInt(recipe.seed, 0, MAX_SEED),
      seedLocked: true,
      cfg: clampCfg(recipe.cfg, true),
      steps: clampInt(recipe.steps, STEPS_RANGE.min, STEPS_RANGE.max),
      sizeMode: recipe.options.outputMode === 'source' ? 'source' : 'custom',
      customSize: { width: output.width, height: output.height },
      workingArea: typeof area === 'number' && area !== EDIT_LIMITS.area.default ? area : null,
      ...(recipe.region ? { feather: recipe.region.feather } : {}),
      loras: loraPicksFromRecipe(recipe, get().loraLibrary),
      // Versions made before the fast processor existed ran the Pillow (slow) one.
      imageProcessor: recipe.options.imageProcessor === 'fast' ? 'fast' : 'slow',
    });
  },
  resetImageParams: () =>
    set({
      seedLocked: false,
      sizeMode: 'auto',
      customSize: { width: 512, height: 512 },
      references: [],
      imageProcessor: null,
    }),
  rememberPrompt: (prompt) => {
    const text = prompt.trim();
    if (!text) return;
    const rest = get().recentPrompts.filter((p) => p !== text);
    set({ recentPrompts: [text, ...rest].slice(0, MAX_RECENT_PROMPTS) });
  },
});
