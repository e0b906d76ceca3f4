/**
 * Owns the engine host process for the UI-facing side (Electron main or the web server): starts it, forwards
 * requests and cancels, keeps the last known state so `engine:info` answers at once while ORT blocks the
 * engine's thread, and restarts the engine when it dies. How the process is spawned is injected
 * (`utilityProcess.fork` in Electron, `child_process.fork` in web mode and tests).
 */
import type { EngineInfo, EngineState } from '../../shared/contract';
import {
  fromEngineSchema,
  type EngineHello,
  type FromEngine,
  type ToEngine,
} from '../../shared/engineProtocol';
import { err, type Result } from '../../shared/result';

/** The handle a spawner returns; the supervisor needs nothing else from the process. */
export type EngineProcess = {
  readonly pid: number | null;
  post(message: ToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (detail: string) => void): void;
  kill(): void;
};
export type SpawnEngine = () => EngineProcess;

export type SupervisorOptions = {
  appVersion: string;
  /** Restarts allowed in a row before the supervisor gives up (a crash loop helps nobody). */
  maxRestarts?: number;
  restartDelayMs?: number;
  onEvent?: (name: string, payload: unknown) => void;
  onPreview?: (frame: Uint8Array) => void;
  log?: (line: string) => void;
};

type Pending = { resolve: (r: Result<unknown>) => void; method: string };

export class EngineSupervisor {
  #spawn: SpawnEngine;
  #options: Required<Omit<SupervisorOptions, 'onEvent' | 'onPreview'>> &
    Pick<SupervisorOptions, 'onEvent' | 'onPreview'>;
  #process: EngineProcess | null = null;
  #state: EngineState = 'stopped';
  #detail = '';
  #hello: EngineHello | null = null;
  #helloWaiters: Array<() => void> = [];
  #restarts = 0;
  #stableRestarts = 0;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #stopping = false;

  constructor(spawn: SpawnEngine, options: SupervisorOptions) {
    this.#spawn = spawn;
    this.#options = { maxRestarts: 5, restartDelayMs: 500, log: () => undefined, ...options };
  }

  start(): void {
    this.#stopping = false;
    this.#launch();
  }

  /** A newer word on the model folder than the engine's hello (a full re-hash). */
  noteModelStatus(model: EngineHello['model']): void {
    if (this.#hello) this.#hello = { ...this.#hello, model };
  }

  /** Answers from the last known state; never waits on the engine. */
  info(): EngineInfo {
    return {
      appVersion: this.#options.appVersion,
      ortVersion: this.#hello?.ortVersion ?? 'unknown (engine starting)',
      providers: this.#hello?.providers ?? [],
      model: this.#hello?.model ?? { folder: '', status: 'missing', detail: 'engine not started yet' },
      state: this.#state,
      pid: this.#process?.pid ?? null,
      restarts: this.#restarts,
    };
  }

  /** Resolves once the engine has said hello (or at once if it already has). */
  whenReady(): Promise<void> {
    if (this.#hello && this.#state !== 'starting' && this.#state !== 'restarting') return Promise.resolve();
    return new Promise((resolve) => this.#helloWaiters.push(resolve));
  }

  /** Forwards a request to the engine; the answer is a Result even if the engine dies meanwhile. */
  request(method: string, params: unknown): Promise<Result<unknown>> {
    const proc = this.#process;
    if (!proc || this.#state === 'crashed' || this.#state === 'stopped') {
      return Promise.resolve(
        err('ENGINE_UNAVAILABLE', `the engine is ${this.#state}${this.#detail ? `: ${this.#detail}` : ''}`),
      );
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { resolve, method });
      proc.post({ type: 'request', id, method, params });
    });
  }

  /** Relays a cancel; the engine acts on it between two ONNX runs. */
  cancel(jobId: string): boolean {
    if (!this.#process) return false;
    this.#process.post({ type: 'cancel', jobId });
    return true;
  }

  stop(): void {
    this.#stopping = true;
    this.#process?.kill();
    this.#process = null;
    this.#setState('stopped', '');
  }

  #launch(): void {
    this.#setState(this.#restarts === 0 ? 'starting' : 'restarting', '');
    let proc: EngineProcess;
    try {
      proc = this.#spawn();
    } catch (error) {
      this.#setState(
        'crashed',
        `cannot start the engine: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    this.#process = proc;
    proc.onMessage((raw) => this.#onMessage(proc, raw));
    proc.onExit((detail) => this.#onExit(proc, detail));
  }

  #onMessage(proc: EngineProcess, raw: unknown): void {
    if (proc !== this.#process) return;
    const parsed = fromEngineSchema.safeParse(raw);
    if (!parsed.success) {
      this.#options.log(`engine sent a malformed message; ignored`);
      return;
    }
    const message: FromEngine = parsed.data;
    switch (message.type) {
      case 'hello':
        this.#hello = message.hello;
        this.#stableRestarts = 0;
        this.#setState('ready', '');
        for (const w of this.#helloWaiters.splice(0)) w();
        break;
      case 'busy':
        if (this.#state === 'ready' || this.#state === 'busy')
          this.#setState(message.busy ? 'busy' : 'ready', '');
        break;
      case 'response': {
        const p = this.#pending.get(message.id);
        if (!p) return;
        this.#pending.delete(message.id);
        p.resolve(
          isResult(message.result)
            ? message.result
            : err('INTERNAL', `${p.method}: malformed engine response`),
        );
        break;
      }
      case 'event':
        this.#options.onEvent?.(message.name, message.payload);
        break;
      case 'preview':
        this.#options.onPreview?.(message.frame);
        break;
    }
  }

  #onExit(proc: EngineProcess, detail: string): void {
    if (proc !== this.#process) return;
    this.#process = null;
    for (const [id, p] of this.#pending) {
      p.resolve(
        err('ENGINE_CRASHED', `the engine stopped during ${p.method} (${detail}); it is being restarted`),
      );
      this.#pending.delete(id);
    }
    if (this.#stopping) return;
    this.#options.log(`engine exited: ${detail}`);
    if (this.#stableRestarts >= this.#options.maxRestarts) {
      this.#setState('crashed', `the engine keeps stopping (${detail}); restart the app`);
      return;
    }
    this.#restarts++;
    this.#stableRestarts++;
    this.#setState('restarting', detail);
    setTimeout(() => {
      if (!this.#stopping) this.#launch();
    }, this.#options.restartDelayMs * this.#stableRestarts);
  }

  #setState(state: EngineState, detail: string): void {
    this.#state = state;
    this.#detail = detail;
    this.#options.onEvent?.('engine:state', { state, detail, restarts: this.#restarts });
  }
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}
