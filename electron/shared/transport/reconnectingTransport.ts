/**
 * A WebSocket transport that outlives its socket: when the connection drops (the server restarted, the
 * laptop slept) it dials again, with growing pauses, and carries on with the same listeners. Requests made
 * while it is down fail at once, as they would on a dead socket; the page is told when it is back so it can
 * fetch what it missed.
 */
import type { RawTransport } from '../client';
import type { WsTransport } from './wsTransport';

/** Pauses between attempts; the last one repeats for as long as the server stays away. */
export const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000];

export type ConnectionEvents = {
  /** The connection dropped; `detail` says how. */
  lost(detail: string): void;
  /** A new connection is up after a drop. */
  restored(): void;
};

/** `dial(onClose)` opens one connection and calls `onClose(detail)` when that socket closes. */
export function createReconnectingTransport(
  dial: (onClose: (detail: string) => void) => WsTransport,
  events: ConnectionEvents,
  delaysMs: readonly number[] = RECONNECT_DELAYS_MS,
): RawTransport {
  const eventListeners = new Set<(name: string, payload: unknown) => void>();
  const previewListeners = new Set<(bytes: Uint8Array, ack: () => void) => void>();
  let attempt = 0;

  const connect = (): WsTransport => {
    let opened = false;
    const transport = dial((detail) => {
      if (!opened || transport !== current) return; // a failed attempt: its own `ready` retries
      opened = false;
      events.lost(detail);
      retry();
    });
    transport.subscribe((name, payload) => {
      for (const l of eventListeners) l(name, payload);
    });
    transport.subscribePreview((bytes, ack) => {
      for (const l of previewListeners) l(bytes, ack);
    });
    transport.ready.then(
      () => {
        opened = true;
        if (attempt > 0) events.restored();
        attempt = 0;
      },
      () => {
        if (transport === current && attempt > 0) retry();
      },
    );
    return transport;
  };

  const retry = () => {
    const delay = delaysMs[Math.min(attempt, delaysMs.length - 1)]!;
    attempt++;
    setTimeout(() => {
      current = connect();
    }, delay);
  };

  let current = connect();
  current.ready.catch(() => {
    // The very first connection failed: keep trying, and say it is lost so the page shows it.
    events.lost('cannot reach the app server');
    retry();
  });

  return {
    send: (method, params) => current.send(method, params),
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
