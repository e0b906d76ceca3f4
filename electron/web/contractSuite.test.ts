/**
 * One contract suite, run against both transports' in-process halves: the WebSocket client against the real
 * web-mode endpoint over loopback, and the IPC bridge/server pair over an in-memory ipcMain/ipcRenderer
 * stand-in with Electron's semantics (invoke/handle, sender checks, structured-clone payloads) plus a real
 * MessageChannel for previews. Behind both sits the same dispatcher with the real supervisor and engine.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachWsEndpoint, type WsEndpoint } from './wsServer';
import { createAppHandlers } from '../core/appHandlers';
import { EngineSupervisor } from '../core/supervisor/EngineSupervisor';
import { forkEngine } from '../core/supervisor/forkEngine';
import { createContractClient, type ContractClient } from '../shared/client';
import { createDispatcher, type Dispatch } from '../shared/dispatcher';
import { encodePreviewFrame, type PreviewFrame } from '../shared/previewFrame';
import {
  createIpcBridge,
  createIpcTransport,
  type PreviewPort,
  IPC_EVENT,
  registerIpcServer,
} from '../shared/transport/ipcTransport';
import { createWsTransport } from '../shared/transport/wsTransport';
import { bigPngHeader } from '../core/projects/testing/tinyPng';

type Harness = {
  client: ContractClient;
  emitEvent(name: string, payload: unknown): void;
  emitPreview(frame: Uint8Array): void;
  close(): Promise<void>;
};

/** Each transport under test registers here; engine events reach it the way main and the web server relay them. */
const eventSinks = new Set<(name: string, payload: unknown) => void>();
const supervisor = new EngineSupervisor(forkEngine({ env: { QWEN_EDIT_MODEL_DIR: '/nonexistent' } }), {
  appVersion: '0.0.0-test',
  onEvent: (name, payload) => eventSinks.forEach((sink) => sink(name, payload)),
});
const dispatch = createDispatcher(createAppHandlers(supervisor));

beforeAll(async () => {
  supervisor.start();
  await supervisor.whenReady();
});
afterAll(() => supervisor.stop());

async function wsHarness(d: Dispatch): Promise<Harness> {
  const server: Server = createServer();
  const endpoint: WsEndpoint = attachWsEndpoint(server, d, { path: '/ws', authorize: () => true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const transport = createWsTransport(`ws://127.0.0.1:${port}/ws`, (url) => new WebSocket(url) as never);
  await transport.ready;
  return {
    client: createContractClient(transport),
    emitEvent: (name, payload) => endpoint.broadcastEvent(name, payload),
    emitPreview: (frame) => endpoint.broadcastPreview(frame),
    async close() {
      transport.close();
      await endpoint.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** In-memory Electron IPC with its semantics: structuredClone on every hop, handle/invoke, sender frames. */
async function ipcHarness(d: Dispatch, senderUrl = 'app://renderer/index.html'): Promise<Harness> {
  const handlers = new Map<string, (event: { senderUrl: string }, ...args: unknown[]) => Promise<unknown>>();
  const rendererSide = new EventEmitter();
  const ipcMain = {
    handle: (channel: string, h: (event: { senderUrl: string }, ...args: unknown[]) => Promise<unknown>) =>
      void handlers.set(channel, h),
  };
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await h({ senderUrl }, ...structuredClone(args)));
    },
    on: (channel: string, l: (e: unknown, ...a: unknown[]) => void) => rendererSide.on(channel, l),
    removeListener: (channel: string, l: (e: unknown, ...a: unknown[]) => void) =>
      rendererSide.removeListener(channel, l),
  };
  registerIpcServer(ipcMain, d, (event) => event.senderUrl.startsWith('app://renderer/'));
  const bridge = createIpcBridge(ipcRenderer);
  // The engine's end of the preview channel main would broker; the page's end goes to the transport.
  const previews = new MessageChannel();
  return {
    client: createContractClient(
      createIpcTransport(bridge, (onPort) => onPort(previews.port1 as unknown as PreviewPort)),
    ),
    emitEvent: (name, payload) => rendererSide.emit(IPC_EVENT, {}, ...structuredClone([name, payload])),
    emitPreview: (frame) => previews.port2.postMessage(frame),
    close: async () => previews.port2.close(),
  };
}

describe.each([
  ['WebSocket', wsHarness],
  ['Electron IPC', ipcHarness],
] as const)('contract over %s', (_name, makeHarness) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dispatch);
    eventSinks.add(h.emitEvent);
  });
  afterAll(() => {
    eventSinks.delete(h.emitEvent);
    return h.close();
  });

  it('answers app:ping and engine:info with validated values', async () => {
    const ping = await h.client.request('app:ping', {});
    expect(ping.ok && ping.value.at).toBeGreaterThan(0);
    const info = await h.client.request('engine:info', {});
    expect(info.ok).toBe(true);
    if (info.ok) {
      expect(info.value.providers.map((p) => p.name)).toContain('cpu');
      expect(info.value.ortVersion).toMatch(/^1\./);
    }
  });

  it('answers an unknown request with UNKNOWN_REQUEST, and bad params with BAD_REQUEST', async () => {
    const unknown = await h.client.request('engine:explode' as 'app:ping', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    const bad = await h.client.request('engine:selftest', { jobId: 'no spaces allowed', seconds: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('forwards engine work and relays cancel as a first-class request', async () => {
    const job = h.client.request('engine:selftest', { jobId: `t-${_name.length}`, seconds: 30 });
    const progressed = new Promise<void>((resolve) => {
      const off = h.client.on('job:progress', (p) => {
        if (p.jobId === `t-${_name.length}`) {
          off();
          resolve();
        }
      });
    });
    await progressed;
    const cancel = await h.client.request('job:cancel', { jobId: `t-${_name.length}` });
    expect(cancel).toEqual({ ok: true, value: { cancelled: true } });
    expect(await job).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('validates image bytes: a real PNG passes; a non-image, a truncated PNG and a 30000×30000 header get clear errors', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c04020' } })
      .png()
      .toBuffer();
    const good = await h.client.request('image:inspect', { name: 'a.png', bytes: new Uint8Array(png) });
    expect(good).toEqual({ ok: true, value: { width: 40, height: 30, format: 'png', bytes: png.length } });

    const text = await h.client.request('image:inspect', {
      name: 'notes.txt',
      bytes: new TextEncoder().encode('hello'),
    });
    expect(text).toMatchObject({
      ok: false,
      error: { code: 'INVALID_IMAGE', message: expect.stringContaining('not a PNG, JPEG or WebP') },
    });

    const truncated = await h.client.request('image:inspect', {
      name: 'cut.png',
      bytes: new Uint8Array(png.subarray(0, png.length - 30)),
    });
    expect(truncated).toMatchObject({
      ok: false,
      error: { code: 'INVALID_IMAGE', message: expect.stringContaining('cut.png') },
    });

    const huge = await h.client.request('image:inspect', {
      name: 'huge.png',
      bytes: bigPngHeader(30000, 30000),
    });
    expect(huge).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('30000×30000') },
    });
  });

  it('delivers events and binary preview frames, and drops malformed ones', async () => {
    eventSinks.delete(h.emitEvent);
    const states: string[] = [];
    const frames: PreviewFrame[] = [];
    const offState = h.client.on('engine:state', (s) => states.push(s.state));
    const offPreview = h.client.onPreview((f, ack) => {
      frames.push(f);
      ack();
    });
    h.emitEvent('engine:state', { state: 'busy', detail: '', restarts: 0 });
    h.emitEvent('engine:state', { state: 'not-a-state', detail: '', restarts: 0 });
    const pixels = Uint8Array.from({ length: 4 * 3 * 4 }, (_, i) => i);
    h.emitPreview(encodePreviewFrame({ jobId: 'j1', width: 4, height: 3, pixels }));
    h.emitPreview(new Uint8Array([1, 2, 3]));
    await until(() => states.length >= 1 && frames.length >= 1);
    expect(states).toEqual(['busy']);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ jobId: 'j1', width: 4, height: 3 });
    expect(Array.from(frames[0]!.pixels)).toEqual(Array.from(pixels));
    offState();
    offPreview();
  });
});

describe('Electron IPC sender check', () => {
  it('refuses requests from a frame that is not the app renderer', async () => {
    const h = await ipcHarness(dispatch, 'https://evil.example/');
    expect(await h.client.request('app:ping', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}
