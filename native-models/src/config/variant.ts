/**
 * Which released checkpoint a folder holds — Qwen-Image-Edit, -2509 or -2511 — read from what tells them
 * apart: `model_index.json`'s pipeline class (2509 and 2511 run `QwenImageEditPlusPipeline`) and the
 * transformer config's `zero_cond_t` (2511 only). The names match the edit vocabulary's `ModelVariant`.
 */
import { EDIT_PLUS_PIPELINE } from './pipeline';
import { ConfigError } from './reader';
import type { TransformerConfig } from './transformer';

export const CHECKPOINT_VARIANTS = ['edit', 'edit-2509', 'edit-2511'] as const;
export type CheckpointVariant = (typeof CHECKPOINT_VARIANTS)[number];

/** The variant of a checkpoint whose model_index.json names `pipeline`; throws on a combination never released. */
export function checkpointVariant(
  pipeline: string,
  transformer: Pick<TransformerConfig, 'zeroCondT'>,
  file = 'transformer/config.json',
): CheckpointVariant {
  if (pipeline === EDIT_PLUS_PIPELINE) return transformer.zeroCondT ? 'edit-2511' : 'edit-2509';
  if (transformer.zeroCondT) {
    throw new ConfigError(
      file,
      `'zero_cond_t' is true but model_index.json names ${pipeline}; only ${EDIT_PLUS_PIPELINE} checkpoints (Edit-2511) use it`,
    );
  }
  return 'edit';
}

/** Multi-image input ("Picture 1", "Picture 2", …) is a Plus pipeline feature. */
export const takesReferenceImages = (variant: CheckpointVariant): boolean => variant !== 'edit';
