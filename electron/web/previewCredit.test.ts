/**
 * Web mode's preview credit on the real server and the real engine running the demo model: a consumer that
 * acknowledges late never has more than one unacknowledged frame, skips frames meanwhile, and still ends on
 * the newest frame the engine produced.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { forkEngine } from '../core/supervisor/forkEngine';
import { createContractClient, type ContractClient } from '../shared/client';
import { encodePreviewFrame, type PreviewFrame } from '../shared/previewFrame';
import { createWsTransport, type WsTransport } from '../shared/transport/wsTransport';
import { startWebServer, type RunningWebServer } from './WebServer';

describe('preview frames to a slow consumer in web mode', () => {
  /** Every frame the engine sent the server, in order (the engine's channel, tapped). */
  const produced: Uint8Array[] = [];
  let server: RunningWebServer;
  let transport: WsTransport;
  let client: ContractClient;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-preview-credit-'));
    const spawn = forkEngine({ env: { QWEN_EDIT_MODEL_DIR: join(dir, 'no-model') } });
    server = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      rendererDir: join(dir, 'dist'),
      userDataDir: join(dir, 'data'),
      modelDir: join(dir, 'no-model'),
      appVersion: 'test',
      spawnEngine: () => {
        const engine = spawn();
        return {
          ...engine,
          onMessage: (listener) =>
            engine.onMessage((message) => {
              const m = message as { type?: string; frame?: Uint8Array };
              if (m.type === 'preview' && m.frame) produced.push(m.frame);
              listener(message);
            }),
        };
      },
    });
    await server.supervisor.whenReady();
    transport = createWsTransport(server.wsUrl, (u) => new WebSocket(u) as never);
    await transport.ready;
    client = createContractClient(transport);
  }, 300_000);
  afterAll(async () => {
    transport?.close();
    await server?.close();
  });

  it('never has two frames unacknowledged, and the last frame it gets is the newest', async () => {
    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3060c0' } })
      .png()
      .toBuffer();
    const created = await client.request('project:create', { name: 'slow.png', bytes: new Uint8Array(png) });
    if (!created.ok) throw new Error(created.error.message);

    const received: PreviewFrame[] = [];
    let unacked = 0;
    let maxUnacked = 0;
    let lastStep = 0;
    // The slow consumer: it acks a frame only once the run has gone two steps further.
    let held: { ack: () => void; dueStep: number } | null = null;
    let onFrame = () => undefined as void;
    const release = () => {
      if (!held) return;
      const { ack } = held;
      held = null;
      unacked--;
      ack();
    };
    client.onPreview((frame, ack) => {
      unacked++;
      maxUnacked = Math.max(maxUnacked, unacked);
      received.push(frame);
      held = { ack, dueStep: lastStep + 2 };
      onFrame();
    });
    client.on('job:progress', ({ step }) => {
      lastStep = step;
      if (held && step >= held.dueStep) release();
    });

    const steps = 8;
    const result = await client.request('edit:run', {
      jobId: 'slow-consumer',
      projectId: created.value.projectId,
      parentId: created.value.head,
      settings: {
        prompt: 'make the sky purple',
        negativePrompt: ' ',
        seed: 7,
        cfg: 4,
        steps,
        size: { width: 96, height: 64 },
        area: 96 * 64,
        region: null,
        feather: 0,
      },
    });
    expect(result.ok).toBe(true);
    expect(produced).toHaveLength(steps);

    // The run is over; once the consumer acks, the server sends the frame it held back, if any.
    const newest = () => Buffer.from(encodePreviewFrame(received.at(-1)!)).equals(produced.at(-1)!);
    await new Promise<void>((resolve) => {
      onFrame = () => (newest() ? resolve() : release());
      release();
      if (newest()) resolve();
    });

    expect(maxUnacked).toBe(1);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeLessThan(steps);
    expect(received.every((f) => f.jobId === 'slow-consumer')).toBe(true);
  });
});
