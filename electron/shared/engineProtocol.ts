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
  textResultSchema,
  textTaskSchema,
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
  /** Runs one text task on image bytes; the text streams as `text:delta` events with its jobId. */
  'engine:text': {
    params: z
      .object({
        jobId: jobIdSchema,
        image: bytesSchema(),
        task: textTaskSchema,
        instruction: z.string().max(20_000).optional(),
      })
      .strict(),
    result: textResultSchema,
  },
  // The model manager runs in the engine (conversion needs the model stack); every request is a job there.
  'models:list': {
    params: requests['models:list'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:list'].result,
  },
  // The app side adds the token from its vault; the engine never stores it.
  'models:pull': {
    params: requests['models:pull'].params.extend({ token: z.string().max(4096).optional() }),
    result: requests['models:pull'].result,
  },
  'models:discard': {
    params: requests['models:discard'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:discard'].result,
  },
  'models:convert': requests['models:convert'],
  'models:activate': {
    params: requests['models:activate'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:activate'].result,
  },
  'models:verify': {
    params: requests['models:verify'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:verify'].result,
  },
  'models:remove': {
    params: requests['models:remove'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:remove'].result,
  },
  'models:getSettings': {
    params: requests['models:getSettings'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:getSettings'].result,
  },
  'models:setSettings': {
    params: requests['models:setSettings'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:setSettings'].result,
  },
  'models:setFolder': {
    params: requests['models:setFolder'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:setFolder'].result,
  },
  'models:plan': {
    params: requests['models:plan'].params.extend({ jobId: jobIdSchema }),
    result: requests['models:plan'].result,
  },
  'loras:list': {
    params: requests['loras:list'].params.extend({ jobId: jobIdSchema }),
    result: requests['loras:list'].result,
  },
  'loras:add': {
    params: requests['loras:add'].params.extend({ jobId: jobIdSchema }),
    result: requests['loras:add'].result,
  },
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
