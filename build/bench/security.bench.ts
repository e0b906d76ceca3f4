/**
 * Web mode under attack: how fast a legitimate client's `app:ping` is answered (target < 100 ms, the
 * `security` suite's bound) while another connection floods requests, sends oversized and malformed
 * frames, and unauthenticated handshakes arrive — against the real web-mode server with its engine.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createContractClient } from '../../electron/shared/client';
import { createWsTransport } from '../../electron/shared/transport/wsTransport';
import { MAX_FRAME_BYTES, RATE_BURST } from '../../electron/web/limits';
import {
  declareFrame,
  floodFromWorker,
  measureDuring,
  openRawClient,
  rawUpgrade,
} from '../../electron/web/securityProbe';
import { startWebServer } from '../../electron/web/WebServer';
import type { BenchResult } from './run';

const ROUNDS = 5;

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { median: round(at(0.5)), p95: round(at(0.95)), max: round(s.at(-1)!), pings: s.length };
}

export async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qe-bench-security-'));
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>t</title>');
  const server = await startWebServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: join(dir, 'dist'),
    userDataDir: join(dir, 'data'),
    modelDir: join(dir, 'no-model'),
    appVersion: 'bench',
  });
  const port = Number(new URL(server.origin).port);
  try {
    await server.supervisor.whenReady();
    const transport = createWsTransport(server.wsUrl, (u) => new WebSocket(u) as never);
    await transport.ready;
    const client = createContractClient(transport);

    const attacks: Record<string, () => Promise<unknown>> = {
      idle: async () => undefined,
      flood: () => floodFromWorker(server.wsUrl, RATE_BURST * 4),
      'oversized frames': async () => {
        const sockets = await Promise.all(
          Array.from({ length: 8 }, () =>
            rawUpgrade({ port }, server.wsUrl.slice(server.wsUrl.indexOf('/ws')), {
              Host: `127.0.0.1:${port}`,
            }),
          ),
        );
        await Promise.all(sockets.map((s) => declareFrame(s.socket!, MAX_FRAME_BYTES + 1)));
      },
      'malformed frames': async () => {
        const raw = await openRawClient(server.wsUrl);
        for (let i = 0; i < 50; i++) raw.send(`${'['.repeat(10_000)}`);
        await raw.replyCount(50);
        raw.ws.close();
      },
      'handshakes without token': () =>
        Promise.all(
          Array.from({ length: 100 }, () =>
            rawUpgrade({ port }, '/ws', { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' }),
          ),
        ),
    };
    const figures: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, attack] of Object.entries(attacks)) {
      const latencies: number[] = [];
      for (let r = 0; r < ROUNDS; r++) latencies.push(...(await measureDuring(client, attack)).latencies);
      figures[name] = summary(latencies);
    }
    transport.close();
    const table = [
      'attack                     median ms   p95 ms   max ms   pings',
      ...Object.entries(figures).map(
        ([name, f]) =>
          `${name.padEnd(26)} ${String(f.median).padStart(9)} ${String(f.p95).padStart(8)} ${String(f.max).padStart(8)} ${String(f.pings).padStart(7)}`,
      ),
      `legitimate ping target: < 100 ms (max over all attacks: ${Math.max(...Object.values(figures).map((f) => f.max))} ms)`,
    ].join('\n');
    return { name: 'security', figures, table };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
