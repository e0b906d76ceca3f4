/**
 * The engine host: the process that owns onnxruntime. It serves the engine's request table through the shared
 * dispatcher and runs each request as a cancellable job. ORT's `run()` blocks this thread for the whole run,
 * so cancel messages are read between runs: every job awaits between ONNX runs and checks its AbortSignal there.
 */
import { createDispatcher, type Dispatch, type TableHandlers } from '../shared/dispatcher';
import {
  engineRequests,
  toEngineSchema,
  type EngineHello,
  type EngineParamsOf,
  type EngineRequestName,
  type EngineResultOf,
} from '../shared/engineProtocol';
import { CodedError } from '../shared/result';
import type { EngineChannel } from './engineChannel';

/** What a job handler gets besides its params. */
export type JobContext = {
  signal: AbortSignal;
  emit(name: string, payload: unknown): void;
  preview(frame: Uint8Array): void;
};

export type EngineHandlers = {
  [N in EngineRequestName]: (params: EngineParamsOf<N>, ctx: JobContext) => Promise<EngineResultOf<N>>;
};
type JobHandler = (params: { jobId: string }, ctx: JobContext) => Promise<unknown>;

export class EngineHost {
  #channel: EngineChannel;
  #dispatch: Dispatch;
  #jobs = new Map<string, AbortController>();

  constructor(channel: EngineChannel, handlers: EngineHandlers) {
    this.#channel = channel;
    const jobs: TableHandlers<typeof engineRequests> = {};
    for (const name of Object.keys(handlers) as EngineRequestName[]) {
      const handler = handlers[name] as JobHandler;
      jobs[name] = ((params: { jobId: string }) => this.#job(name, params, handler)) as never;
    }
    this.#dispatch = createDispatcher(jobs, engineRequests);
    channel.onMessage((raw) => void this.#onMessage(raw));
  }

  hello(hello: EngineHello): void {
    this.#channel.post({ type: 'hello', hello });
  }

  async #onMessage(raw: unknown): Promise<void> {
    const parsed = toEngineSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'cancel') {
      this.#jobs.get(message.jobId)?.abort();
      return;
    }
    const result = await this.#dispatch(message.method, message.params);
    this.#channel.post({ type: 'response', id: message.id, result });
  }

  /** Registers the job under its id so a cancel can find it, and reports busy while any job runs. */
  async #job(method: string, params: { jobId: string }, handler: JobHandler): Promise<unknown> {
    const { jobId } = params;
    if (this.#jobs.has(jobId)) throw new CodedError('BAD_REQUEST', `job ${jobId} is already running`);
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    if (this.#jobs.size === 1) this.#channel.post({ type: 'busy', busy: true });
    try {
      return await handler(params, {
        signal: controller.signal,
        emit: (eventName, payload) => this.#channel.post({ type: 'event', name: eventName, payload }),
        preview: (frame) => this.#channel.preview(frame),
      });
    } catch (error) {
      // Whatever a cancelled job throws on its way out, the caller asked for a cancel and gets one.
      if (controller.signal.aborted) throw new CodedError('CANCELLED', `${method} was cancelled`);
      throw error;
    } finally {
      this.#jobs.delete(jobId);
      if (this.#jobs.size === 0) this.#channel.post({ type: 'busy', busy: false });
    }
  }
}
