/**
 * The engine's line to its supervisor. In Electron the engine is a utilityProcess and talks over
 * `process.parentPort`; in web mode and tests it is a `child_process.fork` child with advanced serialization
 * (so Uint8Array survives) and talks over `process.send`.
 */
import type { FromEngine } from '../shared/engineProtocol';

export type EngineChannel = {
  post(message: FromEngine): void;
  onMessage(listener: (message: unknown) => void): void;
};

type ParentPort = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
};

export function connectToParent(): EngineChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      post: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    // The parent's death must end us: an orphaned engine would hold GPU memory forever.
    process.on('disconnect', () => process.exit(0));
    return {
      post: (message) => void send(message),
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('the engine host must be started by the app (no parent channel)');
}
