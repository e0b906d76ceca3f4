/**
 * Starts the engine host as an Electron utilityProcess: Node inside, its own crash domain, so a CUDA abort
 * or an ORT crash never takes the window down (design.md §1).
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { EngineProcess, SpawnEngine } from '../core/supervisor/EngineSupervisor';

/** `onEngineChange` hears each engine process once it runs, and null once it exits (the preview broker needs both). */
export function utilityEngine(
  entryPath: string,
  env: Record<string, string>,
  onEngineChange: (engine: UtilityProcess | null) => void,
): SpawnEngine {
  return () => {
    const child = utilityProcess.fork(entryPath, [], {
      serviceName: 'Qwen Edit engine',
      stdio: 'inherit',
      // Only what the engine needs: the model folder and the variables CUDA and ORT read.
      env: {
        ...pick(process.env, ['PATH', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'HOME', 'TMPDIR']),
        ...env,
      },
    });
    let exited = false;
    child.once('spawn', () => onEngineChange(child));
    child.once('exit', () => onEngineChange(null));
    const handle: EngineProcess = {
      get pid() {
        return child.pid ?? null;
      },
      post: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        child.on('exit', (code) => {
          exited = true;
          listener(`exit code ${code}`);
        });
      },
      kill: () => void child.kill(),
    };
    return handle;
  };
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('ORT_') && value !== undefined) out[key] = value;
  return out;
}
