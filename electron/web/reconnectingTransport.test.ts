/**
 * The page's reconnecting transport against a real WebSocket server on 127.0.0.1 that goes away and comes back
 * on the same port: the drop is reported, requests made while down fail at once, and after the return the
 * same client and listeners work again.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createContractClient } from '../shared/client';
import { createReconnectingTransport } from '../shared/transport/reconnectingTransport';
import { createWsTransport } from '../shared/transport/wsTransport';
import { fromWireJson, toWireJson } from '../shared/wireJson';

/** Answers every request with `{ at }` and greets each connection with an event. */
async function serve(port: number): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await once(server, 'listening');
  server.on('connection', (socket) => {
    socket.send(
      toWireJson({
        kind: 'event',
        name: 'engine:state',
        payload: { state: 'ready', detail: '', restarts: 0 },
      }),
    );
    socket.on('message', (data) => {
      const request = fromWireJson(String(data)) as { kind: string; id: number };
      if (request.kind === 'request')
        socket.send(toWireJson({ kind: 'response', id: request.id, result: { ok: true, value: { at: 1 } } }));
    });
  });
  return server;
}

async function shut(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
}

describe('reconnecting WebSocket transport', () => {
  it('reports the drop, fails requests while down, and works again once the server is back', async () => {
    let server = await serve(0);
    const port = (server.address() as AddressInfo).port;
    const log: string[] = [];
    let restored!: () => void;
    const back = new Promise<void>((resolve) => (restored = resolve));
    let lost!: () => void;
    const gone = new Promise<void>((resolve) => (lost = resolve));
    const transport = createReconnectingTransport(
      (onClose) =>
        createWsTransport(`ws://127.0.0.1:${port}/`, (url) => {
          const socket = new WebSocket(url);
          socket.addEventListener('close', () => onClose('closed'));
          return socket as never;
        }),
      {
        lost: (detail) => {
          log.push(`lost: ${detail}`);
          lost();
        },
        restored: () => {
          log.push('restored');
          restored();
        },
      },
      [20],
    );
    const client = createContractClient(transport);
    const events: string[] = [];
    transport.subscribe((name) => events.push(name));
    expect(await client.request('app:ping', {})).toEqual({ ok: true, value: { at: 1 } });

    await shut(server);
    await gone;
    expect(await client.request('app:ping', {})).toMatchObject({
      ok: false,
      error: { code: 'ENGINE_UNAVAILABLE' },
    });

    server = await serve(port);
    await back;
    expect(await client.request('app:ping', {})).toEqual({ ok: true, value: { at: 1 } });
    expect(log).toEqual(['lost: closed', 'restored']);
    // The listener subscribed once heard both connections' greetings.
    expect(events).toEqual(['engine:state', 'engine:state']);
    await shut(server);
  });
});
