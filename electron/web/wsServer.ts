/**
 * The WebSocket transport's server half (web mode): one endpoint, JSON envelopes in text frames, preview
 * frames as binary messages, each page under its own credit (one unacknowledged frame, the latest held back
 * until the page acks).
 *
 * Each page is a separate client (issue 10, items 2 and 4): a job belongs to the page that started it, so
 * its progress and previews go only there and only it may cancel or move it; a project's changes go only to
 * connections that opened it; every request is checked against the size, rate and concurrency limits, and
 * every malformed frame is answered with BAD_REQUEST. A page is its `session` (issue 13 §2): the id it keeps
 * for its tab and sends with every connection, so a reloaded page still owns the jobs it queued.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../shared/dispatcher';
import { err, type Result } from '../shared/result';
import { PreviewCredit } from '../shared/transport/previewCredit';
import { WS_SESSION_PARAM, type WsServerEnvelope } from '../shared/transport/wsTransport';
import { toWireJson } from '../shared/wireJson';
import {
  MAX_FRAME_BYTES,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
  MAX_IN_FLIGHT,
  RATE_BURST,
  RATE_PER_SECOND,
  pngHeaderSize,
} from './limits';
import { decodeRequestFrame, WireFormatError } from './wireDecode';

export type WsEndpoint = {
  /** To every page: server-wide events (engine state), and the transport tests. */
  broadcastEvent(name: string, payload: unknown): void;
  broadcastPreview(frame: Uint8Array): void;
  /** To the pages entitled to it: a job's owner, or the pages that opened the project. */
  routeEvent(name: string, payload: unknown): void;
  routePreview(frame: Uint8Array): void;
  close(): Promise<void>;
};

export type WsEndpointOptions = {
  path: string;
  authorize: (request: IncomingMessage) => boolean;
  /** Largest edit in output pixels; larger `edit:run` sizes are refused with TOO_LARGE. */
  maxEditPixels?: number;
  maxFrameBytes?: number;
};

type Connection = {
  ws: WebSocket;
  credit: PreviewCredit<Uint8Array>;
  inFlight: number;
  tokens: number;
  refilledAt: number;
  projects: Set<string>;
  /** The page this connection serves; its jobs are this session's. */
  session: string;
};

export function attachWsEndpoint(server: Server, dispatch: Dispatch, options: WsEndpointOptions): WsEndpoint {
  // ws checks a frame's declared length against maxPayload before buffering it, so an oversized frame
  // costs the server a header read, not its memory.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES,
    // One message per event-loop turn per connection: a flood arriving in one TCP read cannot hold the loop
    // while every other page waits (ws would otherwise emit them all synchronously).
    allowSynchronousEvents: false,
  });
  const connections = new Map<WebSocket, Connection>();
  /** jobId → the session that started it, until the job's request is answered. */
  const jobOwners = new Map<string, string>();
  const sessionConnections = (session: string | undefined) =>
    [...connections.values()].filter((c) => c.session === session);

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path || !options.authorize(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const conn: Connection = {
      ws,
      credit: new PreviewCredit<Uint8Array>((frame) => {
        if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
      }),
      inFlight: 0,
      tokens: RATE_BURST,
      refilledAt: performance.now(),
      projects: new Set(),
      session: sessionIdOf(request),
    };
    connections.set(ws, conn);
    // ws reports a protocol violation (an oversized or malformed frame) here, then closes the socket itself
    // with the right code; without a listener the error would take the whole server down.
    ws.on('error', () => undefined);
    // The page's jobs outlive this connection: the same page, reloaded, owns them again.
    ws.on('close', () => connections.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reply(ws, 0, err('BAD_REQUEST', 'binary frames are not requests'));
      let envelope;
      try {
        envelope = decodeRequestFrame(data.toString());
      } catch (error) {
        const message = error instanceof WireFormatError ? error.message : 'malformed frame';
        return reply(ws, 0, err('BAD_REQUEST', message));
      }
      if (envelope.kind === 'preview-ack') return conn.credit.ack();
      void handle(conn, envelope.id, envelope.method, envelope.params);
    });
  });

  async function handle(conn: Connection, id: number, method: string, params: unknown): Promise<void> {
    const refused = admit(conn) ?? checkParams(method, params, options.maxEditPixels);
    if (refused) return reply(conn.ws, id, refused);
    const jobId = jobIdOf(params);
    const namesJob = method === 'job:cancel' || method === 'queue:move';
    if (namesJob && jobId !== null && jobOwners.get(jobId) !== conn.session) {
      return reply(
        conn.ws,
        id,
        err(
          'FORBIDDEN_SENDER',
          `job ${jobId} is not one this page started; only its owner may cancel or move it`,
        ),
      );
    }
    const startsJob = !namesJob && jobId !== null;
    if (startsJob) {
      const owner = jobOwners.get(jobId);
      if (owner !== undefined && owner !== conn.session)
        return reply(conn.ws, id, err('BAD_REQUEST', `job id ${jobId} is in use; choose another`));
      jobOwners.set(jobId, conn.session);
    }
    conn.inFlight++;
    try {
      const result = await dispatch(method, params).catch((e: unknown) =>
        err('INTERNAL', e instanceof Error ? e.message : String(e)),
      );
      if (result.ok) noteProject(conn, method, params, result.value);
      reply(conn.ws, id, result);
    } finally {
      conn.inFlight--;
      if (startsJob && jobOwners.get(jobId) === conn.session) jobOwners.delete(jobId);
    }
  }

  function admit(conn: Connection): Result<never> | null {
    const now = performance.now();
    conn.tokens = Math.min(RATE_BURST, conn.tokens + ((now - conn.refilledAt) / 1000) * RATE_PER_SECOND);
    conn.refilledAt = now;
    if (conn.inFlight >= MAX_IN_FLIGHT)
      return err('RATE_LIMITED', `too many requests at once (the limit is ${MAX_IN_FLIGHT} per connection)`);
    if (conn.tokens < 1)
      return err(
        'RATE_LIMITED',
        `too many requests (the limit is ${RATE_PER_SECOND} a second per connection)`,
      );
    conn.tokens -= 1;
    return null;
  }

  const jobOwnersOf = (jobId: string | null) =>
    sessionConnections(jobId === null ? undefined : jobOwners.get(jobId));

  return {
    broadcastEvent(name, payload) {
      for (const ws of wss.clients) send(ws, { kind: 'event', name, payload });
    },
    broadcastPreview(frame) {
      for (const conn of connections.values()) conn.credit.offer(frame);
    },
    routeEvent(name, payload) {
      const event: WsServerEnvelope = { kind: 'event', name, payload };
      if (name === 'job:progress') {
        for (const owner of jobOwnersOf(jobIdOf(payload))) send(owner.ws, event);
      } else if (name === 'project:changed' || name === 'queue:changed') {
        const projectId = idOf(payload);
        for (const conn of connections.values())
          if (projectId !== null && conn.projects.has(projectId)) send(conn.ws, event);
      } else {
        for (const ws of wss.clients) send(ws, event);
      }
    },
    routePreview(frame) {
      for (const owner of jobOwnersOf(previewJobId(frame))) owner.credit.offer(frame);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

/**
 * The page's session id from its connection URL; a connection without a well-formed one is a session of its
 * own (it owns its jobs only while it lasts in practice, as no other connection can name its random id).
 */
function sessionIdOf(request: IncomingMessage): string {
  const given = new URL(request.url ?? '/', 'http://localhost').searchParams.get(WS_SESSION_PARAM);
  return given !== null && /^[\w-]{16,64}$/.test(given) ? given : `conn-${randomUUID()}`;
}

/** Size checks a request gets before anything decodes it: images by their length and PNG header, edits by size. */
function checkParams(
  method: string,
  params: unknown,
  maxEditPixels: number | undefined,
): Result<never> | null {
  for (const bytes of byteFields(params)) {
    if (bytes.length > MAX_IMAGE_BYTES)
      return err('IMAGE_TOO_LARGE', `an image of ${bytes.length} bytes; the limit is ${MAX_IMAGE_BYTES}`);
    const size = pngHeaderSize(bytes);
    if (size && size.width * size.height > MAX_IMAGE_PIXELS)
      return err(
        'IMAGE_TOO_LARGE',
        `${nameOf(params)} is ${size.width}×${size.height} (${((size.width * size.height) / 1e6).toFixed(0)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP`,
      );
  }
  if (method === 'edit:run' && maxEditPixels !== undefined) {
    const size = (params as { settings?: { size?: { width?: unknown; height?: unknown } | null } })?.settings
      ?.size;
    if (size && typeof size.width === 'number' && typeof size.height === 'number') {
      if (size.width * size.height > maxEditPixels)
        return err(
          'TOO_LARGE',
          `an edit of ${size.width}×${size.height} needs more memory than this machine allows; the limit is ${maxEditPixels} pixels (e.g. ${Math.floor(Math.sqrt(maxEditPixels))}² )`,
        );
    }
  }
  return null;
}

function* byteFields(value: unknown, depth = 0): Generator<Uint8Array> {
  if (value instanceof Uint8Array) yield value;
  else if (value && typeof value === 'object' && depth < 8)
    for (const v of Object.values(value)) yield* byteFields(v, depth + 1);
}

/** The file name a request gives its image, so errors read as inspectImage's do. */
function nameOf(params: unknown): string {
  const name = (params as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'the image';
}

function jobIdOf(value: unknown): string | null {
  const jobId = (value as { jobId?: unknown } | null)?.jobId;
  return typeof jobId === 'string' ? jobId : null;
}

function idOf(value: unknown): string | null {
  const id = (value as { projectId?: unknown } | null)?.projectId;
  return typeof id === 'string' ? id : null;
}

/** Opening or creating a project subscribes this connection to its `project:changed` events. */
function noteProject(conn: Connection, method: string, params: unknown, value: unknown): void {
  if (method === 'project:open' || method === 'project:create') {
    const id = idOf(value);
    if (id !== null) conn.projects.add(id);
  } else if (method.startsWith('version:') || method === 'edit:run') {
    const id = (params as { projectId?: unknown })?.projectId;
    if (typeof id === 'string') conn.projects.add(id);
  }
}

/** The jobId in a preview frame's header (see previewFrame.ts), read without touching the pixels. */
function previewJobId(frame: Uint8Array): string | null {
  if (frame.length < 16) return null;
  const idLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint16(6, true);
  if (frame.length < 16 + idLength) return null;
  return new TextDecoder().decode(frame.subarray(16, 16 + idLength));
}

function reply(ws: WebSocket, id: number, result: Result<unknown>): void {
  send(ws, { kind: 'response', id, result });
}

function send(ws: WebSocket, envelope: WsServerEnvelope): void {
  if (ws.readyState === ws.OPEN) ws.send(toWireJson(envelope));
}
