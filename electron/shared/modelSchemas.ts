/** The model manager's part of the contract: catalogue, installed models, download progress, the GPU plan. */
import { z } from 'zod';

export const precisionSchema = z.enum(['fp32', 'bf16', 'int8', 'int4']);
export const memoryPolicySchema = z.enum(['resident', 'low-memory']);

export const catalogueEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['base', 'lora']),
  repo: z.string(),
  revision: z.string(),
  license: z.string(),
  approxBytes: z.number(),
  goodFor: z.string(),
  /** Why it cannot be converted yet (it can still be downloaded); absent when it can. */
  unsupported: z.string().optional(),
  /** Bytes already downloaded (complete or resumable), 0 when none. */
  downloadedBytes: z.number(),
  /** A complete download is on disk (its source.json written). */
  downloaded: z.boolean(),
});

export const installedModelSchema = z.object({
  folder: z.string(),
  name: z.string(),
  variant: z.string(),
  precision: z.string().nullable(),
  loras: z.array(z.string()),
  bytes: z.number(),
  sourceRepo: z.string().nullable(),
  sourceRevision: z.string().nullable(),
  lastUsed: z.string().nullable(),
  active: z.boolean(),
  demo: z.boolean(),
});

export const modelLibrarySchema = z.object({
  root: z.string(),
  endpoint: z.string(),
  hasToken: z.boolean(),
  catalogue: z.array(catalogueEntrySchema),
  installed: z.array(installedModelSchema),
});
export type ModelLibrary = z.infer<typeof modelLibrarySchema>;

/** A catalogue id, a repo id (`owner/name[@rev]`) or a hub URL. */
export const modelRefSchema = z.string().min(1).max(500);

export const modelProgressSchema = z.object({
  jobId: z.string(),
  phase: z.enum(['download', 'convert']),
  label: z.string(),
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  /** null while unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** A transient problem being retried ("connection lost, retrying"), else null. */
  notice: z.string().nullable(),
});

export const planOptionSchema = z.object({
  precision: z.string(),
  policy: z.string(),
  weightsBytes: z.number(),
  peakBytes: z.number(),
  fits: z.boolean(),
  needsConversion: z.boolean(),
});

export const modelPlanSchema = z.object({
  basis: z.string(),
  device: z.string(),
  availableBytes: z.number(),
  activations: z.record(z.string(), z.number()),
  options: z.array(planOptionSchema),
  recommended: planOptionSchema.nullable(),
  summary: z.string(),
});

export const runtimeSettingsSchema = z
  .object({
    provider: z.enum(['auto', 'cuda', 'cpu']),
    gpuDevice: z.number().int().min(0).max(63),
    memoryPolicy: memoryPolicySchema,
  })
  .strict();
