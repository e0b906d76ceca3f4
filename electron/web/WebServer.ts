/**
 * Web mode: a plain Node server in Electron main's place. It serves the built renderer, the contract on a
 * WebSocket endpoint, and starts and supervises the engine host as a child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { ProjectSessions } from '../core/ProjectSessions';
import { ProjectStore } from '../core/projects/ProjectStore';
import { createAppHandlers } from '../core/appHandlers';
import { EngineSupervisor, type SpawnEngine } from '../core/supervisor/EngineSupervisor';
import { forkEngine } from '../core/supervisor/forkEngine';
import { createDispatcher } from '../shared/dispatcher';
import { createAccessPolicy, generateToken, tokenProblem } from './access';
import { maxEditPixels } from './limits';
import { isLoopbackHost } from './loopback';
import { createStaticHandler } from './staticFiles';
import { attachWsEndpoint } from './wsServer';
import { WS_PATH } from '../shared/transport/wsTransport';

export type WebServerOptions = {
  host: string;
  port: number;
  /**
   * Every HTTP request and WebSocket must present it (query `token=` once, then the cookie the server
   * sets). Absent: a random 256-bit one is made per launch. A chosen one must carry ≥128 bits.
   */
  token?: string;
  /** Largest edit in output pixels; by default from this machine's memory (limits.ts). */
  maxEditPixels?: number;
  rendererDir: string;
  /** The app's data folder: projects, the recent list. */
  userDataDir: string;
  modelDir: string;
  appVersion: string;
  spawnEngine?: SpawnEngine;
  log?: (line: string) => void;
  /** Start-up warnings (a non-loopback bind); console.warn by default. */
  warn?: (line: string) => void;
};

export type RunningWebServer = {
  /** The start-up URL, token included: print it once and nowhere else. */
  url: string;
  /** The WebSocket endpoint, token included, for non-browser clients. */
  wsUrl: string;
  origin: string;
  supervisor: EngineSupervisor;
  close(): Promise<void>;
};

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  if (options.token !== undefined) {
    const problem = tokenProblem(options.token);
    if (problem) throw new Error(problem);
  }
  const token = options.token ?? generateToken();
  const log = options.log ?? (() => undefined);
  if (!isLoopbackHost(options.host))
    (options.warn ?? console.warn)(
      `warning: serving on ${options.host} over plain HTTP: anyone on that network who can watch the traffic can read the token and every image, and then use the app as you; prefer 127.0.0.1 with an SSH tunnel`,
    );
  let endpoint: ReturnType<typeof attachWsEndpoint> | null = null;
  const supervisor = new EngineSupervisor(
    options.spawnEngine ?? forkEngine({ env: { QWEN_EDIT_MODEL_DIR: options.modelDir } }),
    {
      appVersion: options.appVersion,
      log,
      onEvent: (name, payload) => endpoint?.routeEvent(name, payload),
      onPreview: (frame) => endpoint?.routePreview(frame),
    },
  );
  const sessions = new ProjectSessions(
    new ProjectStore({ appDataDir: options.userDataDir }),
    join(options.userDataDir, 'projects'),
  );
  sessions.onChanged((tree) => endpoint?.broadcastEvent('project:changed', tree));
  const dispatch = createDispatcher(createAppHandlers(supervisor, sessions));
  const serveStatic = createStaticHandler(options.rendererDir, "'self'");
  // The policy needs the bound port (port 0 picks one), so requests before listen() resolves are refused.
  let access: ReturnType<typeof createAccessPolicy> | null = null;
  const server = createServer((request, response) => {
    if (!access?.allows(request)) return void response.writeHead(403, { 'Content-Length': 0 }).end();
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405).end();
    if (access.tokenInQuery(request)) response.setHeader('Set-Cookie', access.cookieHeader());
    serveStatic(request, response).catch(() => response.writeHead(500).end());
  });
  endpoint = attachWsEndpoint(server, dispatch, {
    path: WS_PATH,
    authorize: (r) => access?.allows(r) ?? false,
    maxEditPixels: options.maxEditPixels ?? maxEditPixels(totalmem()),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  access = createAccessPolicy({ host: options.host, port, token });
  supervisor.start();
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${shownHost}:${port}`;
  const query = `?token=${encodeURIComponent(token)}`;
  return {
    url: `${origin}/${query}`,
    wsUrl: `${origin.replace(/^http/, 'ws')}${WS_PATH}${query}`,
    origin,
    supervisor,
    async close() {
      supervisor.stop();
      await sessions.closeAll();
      await endpoint?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
