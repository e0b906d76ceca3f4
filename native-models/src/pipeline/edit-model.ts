/**
 * What the edit pipeline needs from a model: five components run by meaning, not by graph I/O names.
 * `ort-edit-model.ts` implements it on ONNX Runtime sessions of a converted model folder; the pipeline
 * itself never touches sessions, so it can be read (and tested) apart from the graph details.
 */
import type { LoraChoice, LoraRecipe } from './edit-vocabulary';
import type { PreviewFactors } from './preview';
import type { FlowMatchConfig } from './scheduler';
import type { PromptTokenizer } from './tokenizer';
import type { VisionPatchLayout } from './vision-input';
import type { ModelVariant } from './edit-vocabulary';

export type ComponentName = 'vision' | 'text' | 'vae_encoder' | 'transformer' | 'vae_decoder';
export const COMPONENT_NAMES: readonly ComponentName[] = [
  'vision',
  'text',
  'vae_encoder',
  'transformer',
  'vae_decoder',
];

/** One image's packed-token grid `[frames, height, width]` for the transformer's RoPE. */
export type TokenGrid = readonly [number, number, number];

/** Facts about a model the pipeline needs (from its manifest and configs). */
export type EditModelInfo = Readonly<{
  /** A stable id: the model folder's name. */
  id: string;
  /** sha256 of model.json (which lists the sha256 of every file), and the source checkpoint's config hashes. */
  hashes: Readonly<Record<string, string>>;
  precision: string;
  /** Which release: 'edit' takes one image; 'edit-2509' and 'edit-2511' (the Plus pipeline) take references. */
  variant: ModelVariant;
  /** Execution provider the sessions run on: 'cuda' or 'cpu'. */
  provider: string;
  tokenizer: PromptTokenizer;
  vision: VisionPatchLayout;
  scheduler: FlowMatchConfig;
  latentsMean: readonly number[];
  latentsStd: readonly number[];
  preview: PreviewFactors;
  /** Latent channels (16) and the VAE's spatial factor (8). */
  latentChannels: number;
  vaeScale: number;
}>;

export interface EditModel {
  readonly info: EditModelInfo;
  /** `session.run` calls per component since the model was opened. */
  readonly runs: Readonly<Record<ComponentName, number>>;
  /** Vision tower: `[patches, 1176]` → merged image tokens `[mergedTokens, textHidden]`. */
  encodeImage(pixelValues: Float32Array, gridThw: readonly [number, number, number]): Promise<Float32Array>;
  /**
   * Language model with the image tokens spliced in at the `<|image_pad|>` runs: final-normed hidden states
   * `[ids.length, textHidden]` (row-major). `textHidden` is returned alongside. `imageEmbeds` holds every
   * image's merged tokens in prompt order; `grids` their `image_grid_thw`, one per run (M-RoPE positions).
   */
  encodeText(
    ids: Int32Array,
    imageEmbeds: Float32Array,
    grids: readonly (readonly [number, number, number])[],
  ): Promise<{ hidden: Float32Array; width: number }>;
  /** VAE encoder: `[3, H, W]` in [−1, 1] → posterior mean `[16, H/8, W/8]`. */
  vaeEncode(image: Float32Array, width: number, height: number): Promise<Float32Array>;
  /**
   * One transformer forward: image-stream tokens `[S, 64]` (noise then reference), text `[L, D]`, σ →
   * velocity `[S, 64]`. `grids` lists the packed grids in token order for RoPE.
   */
  transformer(
    tokens: Float32Array,
    text: Float32Array,
    textTokens: number,
    timestep: number,
    grids: readonly TokenGrid[],
  ): Promise<Float32Array>;
  /**
   * Called once before the denoising loop with every σ it will pass to `transformer`, so work that depends on
   * the timestep alone (the AdaLN modulation) runs once for the whole schedule. Optional: without it, each
   * forward computes what it needs.
   */
  prepareTimesteps?(timesteps: ArrayLike<number>): Promise<void>;
  /**
   * Fuses these LoRAs into the transformer at load time (in order; `[]`: none), rebuilding its sessions
   * only when the set differs from the last call's. Returns every LoRA the model now runs with: those
   * fused when it was converted, then these. Throws `EditRequestError` naming a LoRA that does not fit.
   */
  useLoras?(loras: readonly LoraChoice[]): Promise<readonly LoraRecipe[]>;
  /** VAE decoder: `[16, h, w]` → `[3, 8h, 8w]` in [−1, 1]. */
  vaeDecode(latents: Float32Array, latentWidth: number, latentHeight: number): Promise<Float32Array>;
  /** Components whose sessions are open now. */
  openComponents(): ComponentName[];
  /** Frees the named components' sessions; the next use opens them again. */
  release(components: readonly ComponentName[]): Promise<void>;
  /** Frees everything. */
  close(): Promise<void>;
}
