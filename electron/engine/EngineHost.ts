/**
 * The engine host: the process that owns onnxruntime. It serves the engine's part of the contract and runs one
 * job at a time. ORT's `run()` blocks this thread for the whole run, so cancel messages are read between
 * runs: every job awaits between ONNX runs and checks its AbortSignal there.
 */
import { requests, type ParamsOf, type RequestName, type ResultOf } from '../shared/contract';
import { describeIssues } from '../shared/dispatcher';
import { toEngineSchema, type EngineHello } from '../shared/engineProtocol';
import { err, ok, toAppError, type Result } from '../shared/result';
import type { EngineChannel } from './engineChannel';

/** What a job handler gets besides its params. */
export type JobContext = {
  signal: AbortSignal;
  emit(name: string, payload: unknown): void;
  preview(frame: Uint8Array): void;
};

export type EngineHandlers = {
  [N in RequestName]?: (params: ParamsOf<N>, ctx: JobContext) => Promise<ResultOf<N>>;
};

export class EngineHost {
  #channel: EngineChannel;
  #handlers: EngineHandlers;
  #jobs = new Map<string, AbortController>();
  #running = 0;

  constructor(channel: EngineChannel, handlers: EngineHandlers) {
    this.#channel = channel;
    this.#handlers = handlers;
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
    const result = await this.#run(message.method, message.params);
    this.#channel.post({ type: 'response', id: message.id, result });
  }

  async #run(method: string, params: unknown): Promise<Result<unknown>> {
    if (!Object.hasOwn(requests, method))
      return err('UNKNOWN_REQUEST', `the engine does not serve '${method}'`);
    const name = method as RequestName;
    const handler = this.#handlers[name] as ((p: unknown, ctx: JobContext) => Promise<unknown>) | undefined;
    if (!handler) return err('UNKNOWN_REQUEST', `the engine does not serve '${method}'`);
    const spec = requests[name];
    const checked = spec.params.safeParse(params ?? {});
    if (!checked.success) return err('BAD_REQUEST', `${method}: ${describeIssues(checked.error.issues)}`);
    const jobId = (checked.data as { jobId?: string }).jobId;
    if (jobId && this.#jobs.has(jobId)) return err('BAD_REQUEST', `job ${jobId} is already running`);
    const controller = new AbortController();
    if (jobId) this.#jobs.set(jobId, controller);
    if (this.#running++ === 0) this.#channel.post({ type: 'busy', busy: true });
    try {
      const value = await handler(checked.data, {
        signal: controller.signal,
        emit: (eventName, payload) => this.#channel.post({ type: 'event', name: eventName, payload }),
        preview: (frame) => this.#channel.post({ type: 'preview', frame }),
      });
      return ok(value);
    } catch (error) {
      if (controller.signal.aborted) return err('CANCELLED', `${method} was cancelled`);
      return { ok: false, error: toAppError(error) };
    } finally {
      if (jobId) this.#jobs.delete(jobId);
      if (--this.#running === 0) this.#channel.post({ type: 'busy', busy: false });
    }
  }
}
