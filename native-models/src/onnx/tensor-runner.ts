/**
 * Where tensor jobs run: inline on the calling thread, or on a pool of worker threads so that conversion
 * transposes and quantises several tensors at once. A conversion sets the runner for everything it saves
 * (`withTensorRunner`), so the graph builders need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runTensorOp } from './tensor-kernel';
import type { TensorInput, TensorOp } from './tensor-kernel';

export interface TensorRunner {
  /** Aborting it stops the graphs being saved at their next initializer (a cancelled conversion). */
  readonly signal?: AbortSignal;
  /** Runs `op`; an `owned` input's buffer may be moved to another thread (the caller must not reuse it). */
  run(op: TensorOp, input: TensorInput & { owned: boolean }): Promise<Uint8Array[]>;
  /** Worker threads working (0 inline). */
  readonly threads: number;
  close(): Promise<void>;
}

export const inlineRunner: TensorRunner = {
  run: async (op, input) => runTensorOp(op, input),
  threads: 0,
  close: async () => undefined,
};

type Reply = { id: number; outputs?: Uint8Array[]; error?: string };

/**
 * The worker's entry: the bundled sibling `tensor-worker.cjs` in the app's build, the TypeScript source
 * through tsx when running from source (CLI, tests, benches).
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts'))
    return { url: new URL('./tensor-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] };
  return { url: new URL('./tensor-worker.cjs', import.meta.url), execArgv: [] };
}

/** A pool of `threads` worker threads; jobs queue and each worker takes the next when it is free. */
export function workerRunner(threads: number): TensorRunner {
  const { url, execArgv } = workerEntry();
  const waiting = new Map<number, { resolve: (o: Uint8Array[]) => void; reject: (e: Error) => void }>();
  const queue: { id: number; op: TensorOp; input: TensorInput & { owned: boolean } }[] = [];
  const idle: Worker[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const { id, op, input } = queue.shift()!;
      const worker = idle.pop()!;
      busy.set(worker, id);
      const transfer = input.owned ? [input.bytes.buffer as ArrayBuffer] : [];
      worker.postMessage({ id, op, input: { bytes: input.bytes, dtype: input.dtype } }, transfer);
    }
  };
  const busy = new Map<Worker, number>();
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(url, { execArgv });
    worker.on('message', (reply: Reply) => {
      const entry = waiting.get(reply.id);
      waiting.delete(reply.id);
      busy.delete(worker);
      idle.push(worker);
      if (reply.error !== undefined) entry?.reject(new Error(reply.error));
      else entry?.resolve(reply.outputs!);
      dispatch();
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (busy.has(worker)) fail(new Error(`a tensor worker exited (code ${code}) mid-job`));
    });
    idle.push(worker);
    return worker;
  });
  return {
    threads,
    run(op, input) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        queue.push({ id, op, input });
        dispatch();
      });
    },
    async close() {
      busy.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

const current = new AsyncLocalStorage<TensorRunner>();

/** The runner of the conversion in progress, inline outside one. */
export function currentTensorRunner(): TensorRunner {
  return current.getStore() ?? inlineRunner;
}

/**
 * Runs `fn` with tensor jobs on `threads` worker threads, closing them afterwards; inline when 0, or when
 * the worker's entry is absent (a bundle built without it). Saving stops once `signal` aborts.
 */
export async function withTensorRunner<T>(
  threads: number,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const runner = threads > 0 && existsSync(workerEntry().url) ? workerRunner(threads) : inlineRunner;
  try {
    return await current.run(signal ? { ...runner, signal } : runner, fn);
  } finally {
    await runner.close();
  }
}
