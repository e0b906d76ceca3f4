/**
 * Spawns the engine host as a Node child process: web mode's counterpart of Electron's utilityProcess.
 * Advanced serialization keeps Uint8Array intact across the pipe (JSON would turn it into an object).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineProcess, SpawnEngine } from './EngineSupervisor';

const ENGINE_ENTRY = fileURLToPath(new URL('../../engine/engine.entry.ts', import.meta.url));

export type ForkOptions = { env?: NodeJS.ProcessEnv; entry?: string };

export function forkEngine(options: ForkOptions = {}): SpawnEngine {
  return () => {
    const child = fork(options.entry ?? ENGINE_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let exited = false;
    const handle: EngineProcess = {
      get pid() {
        return child.pid ?? null;
      },
      post: (message) => {
        if (!exited && child.connected) child.send(message);
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        child.on('exit', (code, signal) => {
          exited = true;
          listener(signal ? `killed by ${signal}` : `exit code ${code}`);
        });
        child.on('error', (error) => {
          if (exited) return;
          exited = true;
          listener(`failed to start: ${error.message}`);
        });
      },
      kill: () => void child.kill('SIGKILL'),
    };
    return handle;
  };
}
