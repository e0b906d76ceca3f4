/**
 * A structural check of model.json, so that a hand-edited or foreign manifest is refused with the path of
 * the first bad field instead of failing later inside the pipeline.
 */
import { z } from 'zod';
import { CHECKPOINT_VARIANTS } from '../config/variant';
import { MODEL_FORMAT } from './manifest';

const io = z.object({
  name: z.string(),
  dtype: z.string(),
  dims: z.array(z.union([z.number().int(), z.string()])),
});

const precision = z.enum(['fp32', 'bf16', 'int8', 'int4']);

const component = z.object({
  model: z.string(),
  files: z.array(z.string()).min(1),
  source: z.enum(['transformer', 'vae', 'text_encoder']),
  inputs: z.array(io),
  outputs: z.array(io),
  precision,
});

/** Paths inside the folder: relative, '/'-separated, never climbing out of it. */
const isInside = (p: string) =>
  p.length > 0 && !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..');

export const modelManifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number().int(),
  pipeline: z.string(),
  variant: z.enum(CHECKPOINT_VARIANTS).optional(),
  precision,
  compute: z.enum(['float32', 'bfloat16']),
  blockSize: z.union([z.number().int(), z.null()]),
  components: z.partialRecord(
    z.enum(['transformer', 'modulation', 'vae_encoder', 'vae_decoder', 'vision', 'text', 'generator']),
    component,
  ),
  tokenizer: z.object({ dir: z.string(), files: z.array(z.string()) }),
  processor: z.object({ dir: z.string(), files: z.array(z.string()) }),
  scheduler: z.record(z.string(), z.unknown()),
  configs: z.object({
    transformer: z.unknown(),
    vae: z.unknown(),
    text_encoder: z.unknown(),
    model_index: z.unknown(),
  }),
  sourceHashes: z.record(z.string(), z.string()),
  preview: z.unknown(),
  files: z.record(
    z.string(),
    z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  ),
  loras: z
    .array(z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), strength: z.number() }))
    .optional(),
});

/** The first problem of a manifest that does not match, as `field.path: message`; undefined when it does. */
export function manifestProblem(json: unknown): string | undefined {
  const result = modelManifestSchema.safeParse(json);
  if (result.success) {
    const outside = Object.keys(result.data.files).find((p) => !isInside(p));
    return outside === undefined
      ? undefined
      : `files.${outside}: must be a relative path inside the model folder`;
  }
  const issue = result.error.issues[0]!;
  return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
}
