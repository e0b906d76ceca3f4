import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createContractClient } from '../shared/client';
import { createWsTransport } from '../shared/transport/wsTransport';
import { isLoopbackHost } from './loopback';
import { startWebServer, type RunningWebServer } from './WebServer';

const TOKEN = 'Zq3vR8xT1mK9pL2wN7bY4c';

describe('web mode server', () => {
  let dir: string;
  let server: RunningWebServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qe-web-'));
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'secret.txt'), 'outside the served folder');
    server = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      rendererDir: join(dir, 'dist'),
      userDataDir: join(dir, 'data'),
      modelDir: join(dir, 'models'),
      appVersion: '1.2.3',
    });
  });
  afterAll(() => server.close());

  it('refuses a chosen token under 128 bits, and knows loopback hosts', async () => {
    await expect(
      startWebServer({
        host: '127.0.0.1',
        port: 0,
        token: 's3cret',
        rendererDir: dir,
        userDataDir: dir,
        modelDir: dir,
        appVersion: '0',
      }),
    ).rejects.toThrow(/too short.*at least 128/);
    expect(['127.0.0.1', '127.9.8.7', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '10.0.0.1', '::', '127.0.0.256'].some(isLoopbackHost)).toBe(false);
  });

  it('warns, naming the risk and not the token, when bound beyond loopback without TLS', async () => {
    const warnings: string[] = [];
    const open = await startWebServer({
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
      rendererDir: join(dir, 'dist'),
      userDataDir: join(dir, 'data-lan'),
      modelDir: join(dir, 'models'),
      appVersion: '0',
      warn: (line) => warnings.push(line),
    });
    await open.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/plain HTTP.*read the token and every image/);
    expect(warnings[0]).not.toContain(TOKEN);
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const base = server.url.replace(/\?.*$/, '');
    const auth = { headers: { cookie: `qwen_edit_token_${new URL(base).port}=${TOKEN}` } };
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await fetch(`${base}..%2fsecret.txt`, auth)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}missing.js`, auth)).status).toBe(404);
  });

  it('serves the contract over WebSocket only to a client with the token', async () => {
    const wsUrl = server.wsUrl;
    const good = createWsTransport(wsUrl, (u) => new WebSocket(u) as never);
    await good.ready;
    const info = await createContractClient(good).request('engine:info', {});
    expect(info.ok && info.value.appVersion).toBe('1.2.3');
    good.close();

    const bad = createWsTransport(
      wsUrl.replace(TOKEN, `${TOKEN.slice(0, -1)}d`),
      (u) => new WebSocket(u) as never,
    );
    await expect(bad.ready).rejects.toThrow(/cannot connect/);
  });
});
