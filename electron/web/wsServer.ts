/**
 * The WebSocket transport's server half (web mode): one endpoint, JSON envelopes in text frames, preview
 * frames as binary messages, broadcast to every connected page.
 */
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../shared/dispatcher';
import { err } from '../shared/result';
import type { WsRequestEnvelope, WsServerEnvelope } from '../shared/transport/wsTransport';
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
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return;
      let envelope: WsRequestEnvelope;
      try {
        envelope = fromWireJson(data.toString()) as WsRequestEnvelope;
      } catch {
        return;
      }
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
      // Latest-wins: a page that has not drained the previous frame skips this one instead of queueing.
      for (const ws of wss.clients)
        if (ws.readyState === ws.OPEN && ws.bufferedAmount === 0) ws.send(frame, { binary: true });
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
