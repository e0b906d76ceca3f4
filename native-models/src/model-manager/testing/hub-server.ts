/**
 * A hub on 127.0.0.1 for tests: serves a checkpoint folder as one repo with the Hugging Face hub's API
 * (`/api/models/{repo}/revision/{rev}`, paginated `/api/models/{repo}/tree/{sha}?recursive=true`) and
 * `/{repo}/resolve/{sha}/{path}` with Range, plus the faults the downloader must survive, each armed by
 * the test: 500s, a dropped connection, a corrupted byte, a stall (to kill a client mid-file), Range
 * ignored, a required token.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative, sep } from 'node:path';

type Served = {
  path: string;
  size: number;
  oid: string;
  lfs: { oid: string; size: number; pointerSize: number } | null;
};

export type HubFaults = {
  /** Answer this many file requests with 500 first. */
  errors500: number;
  /** Destroy the connection once after this many bytes of a response for this path. */
  dropOnce?: { path: string; afterBytes: number };
  /** Flip one byte of the next response for this path that covers `offset`. */
  corruptOnce?: { path: string; offset: number };
  /** Hold every response once this many file bytes have been sent in total, until `release()`. */
  stallAfterBytes?: number;
  ignoreRange: boolean;
  /** Required bearer token (401 otherwise). */
  token?: string;
};

export type HubServer = {
  endpoint: string;
  repo: string;
  sha: string;
  files: Served[];
  faults: HubFaults;
  /** File bytes written to sockets, by path. */
  servedBytes: Map<string, number>;
  totalServed(): number;
  /** Resolves once the stall threshold is reached. */
  stalled: Promise<void>;
  release(): void;
  /** Every request's Host header (all must be this server). */
  hosts: string[];
  close(): Promise<void>;
  /** Stop accepting and cut every open connection (the "server killed" case); `start` again on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
};

const PAGE = 7;

async function listFiles(root: string): Promise<Served[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files: Served[] = [];
  for (const e of entries.filter((x) => x.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(e.parentPath, e.name);
    const path = relative(root, full).split(sep).join('/');
    const bytes = await readFile(full);
    const lfs = path.endsWith('.safetensors') || bytes.length > 1_000_000;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    files.push({
      path,
      size: (await stat(full)).size,
      // An LFS file's git oid is its pointer file's blob id; any stable value serves here.
      oid: blob,
      lfs: lfs ? { oid: sha256, size: bytes.length, pointerSize: 134 } : null,
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export async function startHubServer(
  root: string,
  repo = 'Qwen/Qwen-Image-Edit',
  port = 0,
): Promise<HubServer> {
  const files = await listFiles(root);
  const sha = createHash('sha1').update(JSON.stringify(files)).digest('hex');
  const faults: HubFaults = { errors500: 0, ignoreRange: false };
  const servedBytes = new Map<string, number>();
  const hosts: string[] = [];
  let releaseStall: () => void = () => undefined;
  const released = new Promise<void>((r) => (releaseStall = r));
  let reachStall: () => void = () => undefined;
  const stalled = new Promise<void>((r) => (reachStall = r));
  const total = () => [...servedBytes.values()].reduce((a, b) => a + b, 0);
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: Served) {
    if (faults.errors500 > 0) {
      faults.errors500--;
      return json(res, 500, { error: 'Internal Error' });
    }
    const data = await readFile(join(root, ...file.path.split('/')));
    let start = 0;
    let end = data.length - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ranged = Boolean(range) && !faults.ignoreRange;
    if (range && ranged) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), end) : end;
      if (start > end) return json(res, 416, { error: 'Range Not Satisfiable' });
    }
    const body = Buffer.from(data.subarray(start, end + 1));
    const corrupt = faults.corruptOnce;
    if (corrupt?.path === file.path && corrupt.offset >= start && corrupt.offset <= end) {
      body[corrupt.offset - start]! ^= 0xff;
      faults.corruptOnce = undefined;
    }
    res.writeHead(ranged ? 206 : 200, {
      'content-length': String(body.length),
      'accept-ranges': faults.ignoreRange ? 'none' : 'bytes',
      etag: `"${file.lfs?.oid ?? file.oid}"`,
      'x-repo-commit': sha,
      ...(ranged ? { 'content-range': `bytes ${start}-${end}/${data.length}` } : {}),
    });
    const drop = faults.dropOnce?.path === file.path ? faults.dropOnce : undefined;
    if (drop) faults.dropOnce = undefined;
    for (let at = 0; at < body.length;) {
      if (faults.stallAfterBytes !== undefined && total() >= faults.stallAfterBytes) {
        reachStall();
        await released;
      }
      const piece = body.subarray(at, at + 16384);
      if (drop && at + piece.length > drop.afterBytes) {
        const part = body.subarray(at, drop.afterBytes);
        servedBytes.set(file.path, (servedBytes.get(file.path) ?? 0) + part.length);
        res.write(part);
        res.socket?.destroy();
        return;
      }
      servedBytes.set(file.path, (servedBytes.get(file.path) ?? 0) + piece.length);
      if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
      if (res.destroyed) return;
      at += piece.length;
    }
    res.end();
  }

  const server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (faults.token !== undefined && req.headers.authorization !== `Bearer ${faults.token}`)
      return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const api = `/api/models/${repo}/`;
    if (url.pathname.startsWith(`${api}revision/`)) {
      return json(res, 200, {
        _id: 'test',
        id: repo,
        sha,
        private: false,
        siblings: files.map((f) => ({ rfilename: f.path })),
      });
    }
    if (url.pathname === `${api}tree/${sha}`) {
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      const page = files.slice(cursor, cursor + PAGE).map((f) => ({
        type: 'file',
        oid: f.oid,
        size: f.size,
        path: f.path,
        ...(f.lfs ? { lfs: f.lfs } : {}),
      }));
      const next = cursor + PAGE < files.length;
      const link = `<${url.origin}${url.pathname}?recursive=true&cursor=${cursor + PAGE}>; rel="next"`;
      return json(res, 200, page, next ? { link } : {});
    }
    const prefix = `/${repo}/resolve/${sha}/`;
    if (url.pathname.startsWith(prefix)) {
      const path = decodeURIComponent(url.pathname.slice(prefix.length));
      const file = files.find((f) => f.path === path);
      if (!file) return json(res, 404, { error: 'Entry not found' });
      sendFile(req, res, file).catch(() => res.destroy());
      return;
    }
    json(res, 404, { error: 'Repository not found' });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (p: number) =>
    new Promise<void>((resolve) => server.listen(p, '127.0.0.1', () => resolve()));
  await listen(port);
  const actualPort = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    repo,
    sha,
    files,
    faults,
    servedBytes,
    totalServed: total,
    stalled,
    release: releaseStall,
    hosts,
    close,
    kill: close,
    start: () => listen(actualPort),
  };
}
