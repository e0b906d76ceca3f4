/**
 * Web mode: a plain Node server in Electron main's place. It serves the built renderer, the contract on a
 * WebSocket endpoint, and starts and supervises the engine host as a child process.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ProjectSessions } from '../core/ProjectSessions';
import { ProjectStore } from '../core/projects/ProjectStore';
import { createAppHandlers } from '../core/appHandlers';
import { tokenVault } from '../core/tokenVault';
import { EngineSupervisor, type SpawnEngine } from '../core/supervisor/EngineSupervisor';
import { forkEngine } from '../core/supervisor/forkEngine';
import { createDispatcher } from '../shared/dispatcher';
import { isLoopbackHost } from './loopback';
import { createStaticHandler } from './staticFiles';
import { attachWsEndpoint } from './wsServer';
import { WS_PATH } from '../shared/transport/wsTransport';

export type WebServerOptions = {
  host: string;
  port: number;
  /** Required to bind anywhere but loopback; then every WebSocket must present it. */
  token?: string;
  rendererDir: string;
  /** The app's data folder: projects, the recent list. */
  userDataDir: string;
  modelDir: string;
  appVersion: string;
  spawnEngine?: SpawnEngine;
  log?: (line: string) => void;
};

export type RunningWebServer = {
  url: string;
  supervisor: EngineSupervisor;
  close(): Promise<void>;
};

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new Error(
      `refusing to serve on ${options.host} without a token: set QWEN_EDIT_TOKEN, or bind to 127.0.0.1`,
    );
  }
  const log = options.log ?? (() => undefined);
  let endpoint: ReturnType<typeof attachWsEndpoint> | null = null;
  const supervisor = new EngineSupervisor(
    options.spawnEngine ?? forkEngine({ env: { QWEN_EDIT_MODEL_DIR: options.modelDir } }),
    {
      appVersion: options.appVersion,
      log,
      onEvent: (name, payload) => endpoint?.broadcastEvent(name, payload),
      onPreview: (frame) => endpoint?.broadcastPreview(frame),
    },
  );
  const sessions = new ProjectSessions(
    new ProjectStore({ appDataDir: options.userDataDir }),
    join(options.userDataDir, 'projects'),
  );
  const dispatch = createDispatcher(
    createAppHandlers(supervisor, sessions, tokenVault(join(options.userDataDir, 'hf-token'))),
  );
  const serveStatic = createStaticHandler(options.rendererDir, "'self'");
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405).end();
    serveStatic(request, response).catch(() => response.writeHead(500).end());
  });
  endpoint = attachWsEndpoint(server, dispatch, {
    path: WS_PATH,
    authorize: (r) => hasToken(r, options.token),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  supervisor.start();
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`;
  return {
    url,
    supervisor,
    async close() {
      supervisor.stop();
      await sessions.closeAll();
      await endpoint?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function hasToken(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
