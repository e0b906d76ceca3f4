/**
 * The WebSocket transport's server half (web mode): one endpoint, JSON envelopes in text frames, preview
 * frames as binary messages to every connected page, each page under its own credit (one unacknowledged
 * frame, the latest held back until the page acks).
 */
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../shared/dispatcher';
import { err } from '../shared/result';
import { PreviewCredit } from '../shared/transport/previewCredit';
import type { WsClientEnvelope, WsServerEnvelope } from '../shared/transport/wsTransport';
import { fromWireJson, toWireJson } from '../shared/wireJson';

/** Large enough for a 200 MB image as base64, and no larger. */
const MAX_MESSAGE_BYTES = 300 * 1024 * 1024;

export type WsEndpoint = {
  broadcastEvent(name: string, payload: unknown): void;
  broadcastPreview(frame: Uint8Array): void;
  close(): Promise<void>;
};

export function attachWsEndpoint(
  server: Server,
  dispatch: Dispatch,
  options: { path: string; authorize: (request: IncomingMessage) => boolean },
): WsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const credits = new Map<WebSocket, PreviewCredit<Uint8Array>>();
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path || !options.authorize(request)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  wss.on('connection', (ws: WebSocket) => {
    const credit = new PreviewCredit<Uint8Array>((frame) => {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    });
    credits.set(ws, credit);
    ws.on('close', () => credits.delete(ws));
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return;
      let envelope: WsClientEnvelope;
      try {
        envelope = fromWireJson(data.toString()) as WsClientEnvelope;
      } catch {
        return;
      }
      if (envelope?.kind === 'preview-ack') return credit.ack();
      if (envelope?.kind !== 'request' || typeof envelope.id !== 'number') return;
      const result = await dispatch(envelope.method, envelope.params).catch((e: unknown) =>
        err('INTERNAL', e instanceof Error ? e.message : String(e)),
      );
      send(ws, { kind: 'response', id: envelope.id, result });
    });
  });
  return {
    broadcastEvent(name, payload) {
      for (const ws of wss.clients) send(ws, { kind: 'event', name, payload });
    },
    broadcastPreview(frame) {
      for (const credit of credits.values()) credit.offer(frame);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

function send(ws: WebSocket, envelope: WsServerEnvelope): void {
  if (ws.readyState === ws.OPEN) ws.send(toWireJson(envelope));
}
