/**
 * Messages between the UI-facing process (Electron main or the web server) and the engine host process.
 * Both directions are validated on arrival: a crashed or confused process must not confuse the other.
 */
import { z } from 'zod';
import {
  bytesSchema,
  editSettingsSchema,
  engineEditResultSchema,
  jobIdSchema,
  modelStatusSchema,
  providerSchema,
  requests,
} from './contract';

/** The requests the engine host serves: the UI's self-test as is, and edits, which only the app side asks for. */
export const engineRequests = {
  'engine:selftest': requests['engine:selftest'],
  /** Runs one edit on image bytes; progress as `job:progress` events and preview frames with its jobId. */
  'engine:edit': {
    params: z.object({ jobId: jobIdSchema, image: bytesSchema(), settings: editSettingsSchema }).strict(),
    result: engineEditResultSchema,
  },
  /** Re-hashes the model folder's files (see `model:verify`). */
  'engine:verifyModel': requests['model:verify'],
} as const;

export type EngineRequestName = keyof typeof engineRequests;
export type EngineParamsOf<N extends EngineRequestName> = z.input<(typeof engineRequests)[N]['params']>;
export type EngineResultOf<N extends EngineRequestName> = z.output<(typeof engineRequests)[N]['result']>;

export const toEngineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), jobId: jobIdSchema }),
]);
export type ToEngine = z.infer<typeof toEngineSchema>;

/** What the engine says about itself once it has loaded onnxruntime. */
export const engineHelloSchema = z.object({
  ortVersion: z.string(),
  providers: z.array(providerSchema),
  model: modelStatusSchema,
});
export type EngineHello = z.infer<typeof engineHelloSchema>;

export const fromEngineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), hello: engineHelloSchema }),
  z.object({ type: z.literal('response'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('preview'), frame: bytesSchema() }),
  z.object({ type: z.literal('busy'), busy: z.boolean() }),
]);
export type FromEngine = z.infer<typeof fromEngineSchema>;
