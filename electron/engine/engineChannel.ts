/**
 * The engine's line to its supervisor. In Electron the engine is a utilityProcess and talks over
 * `process.parentPort`; in web mode and tests it is a `child_process.fork` child with advanced serialization
 * (so Uint8Array survives) and talks over `process.send`.
 *
 * Preview frames take another road in Electron (design.md §1): main brokers a MessagePort whose other end is
 * in the page, so frames go straight to the renderer under the credit rule and the page's acks come back on
 * it. In web mode they go to the parent, whose WebSocket endpoint applies the same rule per page.
 */
import type { FromEngine } from '../shared/engineProtocol';
import { PreviewCredit } from '../shared/transport/previewCredit';

export type EngineChannel = {
  post(message: FromEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  preview(frame: Uint8Array): void;
};

/** Electron's MessagePortMain, as far as the engine uses it. */
type PortMain = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: () => void): void;
  start(): void;
  close(): void;
};
type ParentPort = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): void;
};

export function connectToParent(): EngineChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    // Main sends a new port after each page load; frames produced before the first one have no viewer.
    let previews: { port: PortMain; credit: PreviewCredit<Uint8Array> } | null = null;
    parentPort.on('message', ({ ports: [port] }) => {
      if (!port) return;
      previews?.port.close();
      const credit = new PreviewCredit<Uint8Array>((frame) => port.postMessage(frame));
      port.on('message', () => credit.ack());
      port.start();
      previews = { port, credit };
    });
    return {
      post: (message) => parentPort.postMessage(message),
      onMessage: (listener) =>
        parentPort.on('message', (event) => {
          if (event.ports.length === 0) listener(event.data);
        }),
      preview: (frame) => previews?.credit.offer(frame),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    // The parent's death must end us: an orphaned engine would hold GPU memory forever.
    process.on('disconnect', () => process.exit(0));
    return {
      post: (message) => void send(message),
      onMessage: (listener) => process.on('message', listener),
      preview: (frame) => void send({ type: 'preview', frame } satisfies FromEngine),
    };
  }
  throw new Error('the engine host must be started by the app (no parent channel)');
}
