import type { WeightSource } from '../../weights';

/**
 * Checkpoint name prefixes of a Qwen2.5-VL text encoder. Current transformers saves `model.visual.*` and
 * `model.language_model.*`; older checkpoints (Qwen2.5-VL-7B-Instruct as first published) `visual.*` and `model.*`.
 */
export type Qwen25VLPrefixes = Readonly<{ visual: string; language: string }>;

export const CURRENT_PREFIXES: Qwen25VLPrefixes = {
  visual: 'model.visual.',
  language: 'model.language_model.',
};
export const LEGACY_PREFIXES: Qwen25VLPrefixes = { visual: 'visual.', language: 'model.' };

/** Finds which spelling a checkpoint uses; throws naming both candidates when neither is present. */
export function detectPrefixes(src: WeightSource, part: 'visual' | 'language'): string {
  const probe = part === 'visual' ? 'patch_embed.proj.weight' : 'embed_tokens.weight';
  for (const p of [CURRENT_PREFIXES, LEGACY_PREFIXES]) if (src.has(`${p[part]}${probe}`)) return p[part];
  throw new Error(
    `text encoder checkpoint has neither '${CURRENT_PREFIXES[part]}${probe}' nor '${LEGACY_PREFIXES[part]}${probe}'`,
  );
}
