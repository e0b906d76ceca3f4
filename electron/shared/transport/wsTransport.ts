/**
 * The WebSocket transport's client half (web mode). Text frames carry JSON envelopes; binary frames carry
 * preview frames, each acknowledged with a `preview-ack` envelope (the server's credit rule). Works with the
 * browser's WebSocket and with the `ws` package in Node tests.
 */
import type { RawTransport } from '../client';
import { fromWireJson, toWireJson } from '../wireJson';
import { deliverPreview } from './previewCredit';

/** The WebSocket endpoint's path on the web-mode server. */
export const WS_PATH = '/ws';
/** The query parameter naming the page's session: its tab's id, the same after a reload (it owns its jobs). */
export const WS_SESSION_PARAM = 'session';

/** Client → server. */
export type WsClientEnvelope =
  { kind: 'request'; id: number; method: string; params: unknown } | { kind: 'preview-ack' };
/** Server → client. */
export type WsServerEnvelope =
  { kind: 'response'; id: number; result: unknown } | { kind: 'event'; name: string; payload: unknown };

type MinimalSocket = {
  readyState: number;
  binaryType: string;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
};
export type SocketFactory = (url: string) => MinimalSocket;

const OPEN = 1;
/** How long a request may wait for its answer before it is reported as a transport failure. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export type WsTransport = RawTransport & { close(): void; ready: Promise<void> };

export function createWsTransport(url: string, factory: SocketFactory): WsTransport {
  const socket = factory(url);
  socket.binaryType = 'arraybuffer';
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  const eventListeners = new Set<(name: string, payload: unknown) => void>();
  const previewListeners = new Set<(bytes: Uint8Array, ack: () => void) => void>();
  const sendAck = () => {
    if (socket.readyState === OPEN)
      socket.send(toWireJson({ kind: 'preview-ack' } satisfies WsClientEnvelope));
  };

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)));
  });
  ready.catch(() => undefined);

  socket.addEventListener('close', () => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error('connection to the app closed'));
      pending.delete(id);
    }
  });
  socket.addEventListener('message', ({ data }) => {
    if (data instanceof ArrayBuffer) return deliverPreview(previewListeners, new Uint8Array(data), sendAck);
    if (typeof data !== 'string') return;
    let message: WsServerEnvelope;
    try {
      message = fromWireJson(data) as WsServerEnvelope;
    } catch {
      return;
    }
    if (message.kind === 'response') {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      clearTimeout(p.timer);
      p.resolve(message.result);
    } else if (message.kind === 'event') {
      for (const l of eventListeners) l(message.name, message.payload);
    }
  });

  return {
    ready,
    close: () => socket.close(),
    async send(method, params) {
      await ready;
      if (socket.readyState !== OPEN) throw new Error('connection to the app is closed');
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} timed out`));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        socket.send(toWireJson({ kind: 'request', id, method, params } satisfies WsClientEnvelope));
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    subscribePreview(listener) {
      previewListeners.add(listener);
      return () => previewListeners.delete(listener);
    },
  };
}
