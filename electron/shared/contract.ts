/**
 * The one typed contract between the UI and the app: every request (with its params and result) and every
 * event, declared once with zod schemas. Both transports (Electron IPC and WebSocket) and the engine host
 * speak exactly this table; every payload that crosses a process boundary is validated against it.
 */
import { z } from 'zod';

/** Latest-known state of the engine host process, as its supervisor sees it. */
export const engineStateSchema = z.enum(['starting', 'ready', 'busy', 'restarting', 'crashed', 'stopped']);
export type EngineState = z.infer<typeof engineStateSchema>;

export const providerSchema = z.object({ name: z.string(), bundled: z.boolean() });

export const modelStatusSchema = z.object({
  /** The model folder the engine looks in. */
  folder: z.string(),
  /** `ready`: a converted model is there; `demo`: none is, the tiny random-weight model is used; `invalid`: one is there but fails checks. */
  status: z.enum(['ready', 'demo', 'missing', 'invalid']),
  detail: z.string(),
});

export const engineInfoSchema = z.object({
  appVersion: z.string(),
  ortVersion: z.string(),
  providers: z.array(providerSchema),
  model: modelStatusSchema,
  state: engineStateSchema,
  pid: z.number().int().nullable(),
  restarts: z.number().int().nonnegative(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

/** A client-chosen id for a cancellable job, so `job:cancel` can name it before the job answers. */
export const jobIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/);

/** Decoded images are refused above this many pixels (a 30000×30000 header must not allocate 3.6 GB). */
export const MAX_IMAGE_PIXELS = 64_000_000;
/** Files larger than this are refused before decoding. */
export const MAX_IMAGE_BYTES = 200 * 1024 * 1024;

export const imageInfoSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(['png', 'jpeg', 'webp']),
  bytes: z.number().int().nonnegative(),
});
export type ImageInfo = z.infer<typeof imageInfoSchema>;

const empty = z.object({}).strict();

/** Every request: its params and its result. Names are `domain:verb`. */
export const requests = {
  /** Answered by the UI-facing side itself: proves it is responsive whatever the engine is doing. */
  'app:ping': { params: empty, result: z.object({ at: z.number() }) },
  /** Versions, execution providers, model folder status; answered from the last known state while busy. */
  'engine:info': { params: empty, result: engineInfoSchema },
  /**
   * Runs the engine's built-in ONNX self-test graph repeatedly for about `seconds`: proves the native
   * module runs, measures it, and exercises cancellation (`job:cancel` with the same jobId).
   */
  'engine:selftest': {
    params: z.object({ jobId: jobIdSchema, seconds: z.number().min(0).max(120) }).strict(),
    result: z.object({
      runs: z.number().int(),
      elapsedMs: z.number(),
      msPerRun: z.number(),
      provider: z.string(),
    }),
  },
  /** Cancels a running job; the engine acts on it between two ONNX runs. */
  'job:cancel': {
    params: z.object({ jobId: jobIdSchema }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  /** Checks an image the user opened: decodable, a supported format, not too large. */
  'image:inspect': {
    params: z.object({ name: z.string().max(1024), bytes: bytesSchema() }).strict(),
    result: imageInfoSchema,
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type RequestName = keyof typeof requests;
export type ParamsOf<N extends RequestName> = z.input<(typeof requests)[N]['params']>;
export type ResultOf<N extends RequestName> = z.output<(typeof requests)[N]['result']>;

/** Every event pushed to the UI. */
export const events = {
  'engine:state': z.object({ state: engineStateSchema, detail: z.string(), restarts: z.number().int() }),
  'job:progress': z.object({
    jobId: jobIdSchema,
    step: z.number().int().nonnegative(),
    total: z.number().int().positive(),
    elapsedMs: z.number().nonnegative(),
  }),
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Raw bytes (structured clone keeps them over IPC; the WebSocket codec carries them as base64). */
export function bytesSchema() {
  return z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes' });
}
