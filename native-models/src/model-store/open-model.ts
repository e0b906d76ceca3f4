/**
 * Opening a model folder: verify it, then create ONNX Runtime sessions lazily, one per component, from
 * the files' paths (ORT maps the external data itself; no weights pass through JS). CUDA is tried first
 * when asked for, with CPU fallback inside a session disabled so that a graph never runs half on the
 * CPU unnoticed (if ORT insists on CPU nodes, the session is made without the flag and a line says so);
 * if the CUDA provider cannot be used at all, the model falls back to the CPU provider with one clear
 * log line.
 */
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { ComponentName, ModelManifest } from './manifest';
import { verifyModelFolder } from './verify';
import type { VerifyMode } from './verify';

export type Provider = 'cuda' | 'cpu';

/**
 * Whether a session-creation error is ORT refusing CPU-placed nodes under `disable_cpu_ep_fallback`
 * (as opposed to CUDA itself failing to load).
 */
export function isCpuPlacementRefusal(message: string): boolean {
  return /assigned to the default CPU EP|fallback to CPU EP has been explicitly disabled/i.test(message);
}

/**
 * A component's data files given in memory (ORT's `externalData` option: each named as the graph names
 * it), so its session reads those bytes instead of the folder's files: LoRA fusion at load time.
 */
export type SessionSource = Readonly<{
  externalData: readonly Readonly<{ path: string; data: Uint8Array }>[];
}>;

export type OpenModelOptions = Readonly<{
  /** Execution providers in order of preference (default ['cuda', 'cpu']). */
  providers?: readonly Provider[];
  /** 'sha256' (default) hashes every file; 'auto' only files changed since the last full check; 'size' none. */
  verify?: VerifyMode;
  /** Where the fallback line goes (default console.warn). */
  log?: (line: string) => void;
  /** Extra ORT session options (threads, optimisation level); providers are set by openModel. */
  sessionOptions?: InferenceSession.SessionOptions;
}>;

export interface LoadedModel {
  readonly dir: string;
  readonly manifest: ModelManifest;
  /** Components the model has. */
  readonly components: readonly ComponentName[];
  /** Absolute path of a component's .onnx file. */
  modelPath(component: ComponentName): string;
  /** The component's session, created on first use and kept until released. */
  session(component: ComponentName): Promise<InferenceSession>;
  /** The provider a created session runs on. */
  providerOf(component: ComponentName): Provider | undefined;
  /** Frees one component's session (or all); the next session() call creates it again. */
  release(component?: ComponentName): Promise<void>;
  /**
   * From now on creates `component`'s session with its data files from `source` (undefined: from the
   * folder again); an open session is released first.
   */
  useSource(component: ComponentName, source: SessionSource | undefined): Promise<void>;
}

/** Verifies `dir` and returns a handle that creates sessions on demand. */
export async function openModel(dir: string, options: OpenModelOptions = {}): Promise<LoadedModel> {
  const manifest = await verifyModelFolder(dir, options.verify ?? 'sha256');
  const ort = await import('onnxruntime-node');
  const log = options.log ?? ((line: string) => console.warn(line));
  let providers = [...(options.providers ?? ['cuda', 'cpu'])];
  if (providers.length === 0) throw new Error('openModel: no execution providers given');
  const sessions = new Map<ComponentName, Promise<{ session: InferenceSession; provider: Provider }>>();
  const used = new Map<ComponentName, Provider>();
  /** In-memory data files by graph path. */
  const sources = new Map<string, SessionSource>();

  const modelPath = (component: ComponentName) => {
    const entry = manifest.components[component];
    if (!entry) throw new Error(`${dir}: the model has no '${component}' component`);
    return join(dir, entry.model);
  };

  const createOn = (path: string, provider: Provider, strict: boolean) =>
    ort.InferenceSession.create(path, {
      ...options.sessionOptions,
      ...(sources.has(path) ? { externalData: sources.get(path)!.externalData } : {}),
      // QWEN_EDIT_GPU: the device id chosen in the model settings (default 0).
      executionProviders: [
        provider === 'cuda' ? { name: 'cuda', deviceId: Number(process.env.QWEN_EDIT_GPU ?? 0) } : 'cpu',
      ],
      ...(provider === 'cuda' && strict ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
    });

  const create = async (component: ComponentName) => {
    const path = modelPath(component);
    const failures: string[] = [];
    for (const provider of [...providers]) {
      try {
        let session: InferenceSession;
        try {
          session = await createOn(path, provider, true);
        } catch (error) {
          if (provider !== 'cuda' || !isCpuPlacementRefusal((error as Error).message)) throw error;
          // CUDA works, but ORT placed some nodes (typically shape arithmetic) on the CPU: accept that,
          // loudly, rather than run the whole graph on the CPU.
          session = await createOn(path, provider, false);
          log(`[native-models] ${component}: some nodes run on the CPU next to CUDA (ORT placed them there)`);
        }
        used.set(component, provider);
        return { session, provider };
      } catch (error) {
        const reason = (error as Error).message.split('\n')[0];
        failures.push(`${provider}: ${reason}`);
        const next = providers[providers.indexOf(provider) + 1];
        if (provider === 'cuda' && next) {
          log(
            `[native-models] CUDA execution provider unavailable for ${component} (${reason}); falling back to ${next.toUpperCase()}`,
          );
          // Do not retry CUDA for every component once it has failed to start.
          providers = providers.filter((p) => p !== 'cuda');
        }
      }
    }
    throw new Error(`${path}: no execution provider could load it (${failures.join('; ')})`);
  };

  const handle: LoadedModel = {
    dir,
    manifest,
    components: Object.keys(manifest.components) as ComponentName[],
    modelPath,
    async session(component) {
      let pending = sessions.get(component);
      if (!pending) {
        pending = create(component);
        sessions.set(component, pending);
        pending.catch(() => sessions.delete(component));
      }
      return (await pending).session;
    },
    providerOf: (component) => used.get(component),
    async useSource(component, source) {
      const path = modelPath(component);
      await handle.release(component);
      if (source) sources.set(path, source);
      else sources.delete(path);
    },
    async release(component) {
      const names = component ? [component] : [...sessions.keys()];
      for (const name of names) {
        const pending = sessions.get(name);
        sessions.delete(name);
        used.delete(name);
        if (pending) await pending.then(({ session }) => session.release()).catch(() => undefined);
      }
    },
  };
  return handle;
}
