/**
 * An attacker's tools against a running web-mode server, shared by the `security` test suite and the
 * `security` bench: raw HTTP and WebSocket handshakes with chosen headers, raw frames, and a legitimate
 * client's latency measured while an attack runs.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import type { ContractClient } from '../shared/client';

export type Target = { port: number };

/** A GET with exactly these headers (Node's fetch will not send a chosen Host); resolves status and body. */
export function rawGet(
  target: Target,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket handshake with these headers: 101 with its socket, or the refusal's status. */
export function rawUpgrade(
  target: Target,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; socket?: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: target.port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => resolve({ status: 101, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends only the header of a masked text frame that declares `length` bytes of payload, and resolves the
 * close code the server answers with (a server that buffered first would wait for the bytes instead).
 */
export function declareFrame(socket: Socket, length: number): Promise<number> {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(header, 10);
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      // An unmasked server close frame: 0x88, length, then the 2-byte code.
      if (seen.length >= 4 && seen[0] === 0x88) resolve(seen.readUInt16BE(2));
    });
    socket.on('close', () => resolve(-1));
    socket.write(header);
  });
}

/** A plain `ws` client that records every text reply and counts binary frames. */
export async function openRawClient(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const replies: { id: number; result: { ok: boolean; error?: { code: string; message: string } } }[] = [];
  const events: { name: string; payload: unknown }[] = [];
  let binaryFrames = 0;
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) binaryFrames++;
    else {
      const message = JSON.parse(data.toString()) as {
        kind: string;
        id: number;
        result: (typeof replies)[number]['result'];
        name: string;
        payload: unknown;
      };
      if (message.kind === 'response') replies.push({ id: message.id, result: message.result });
      else events.push({ name: message.name, payload: message.payload });
    }
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    replies,
    events,
    binaryFrames: () => binaryFrames,
    send: (text: string | Buffer) => ws.send(text),
    /** Resolves once `count` replies have arrived. */
    replyCount: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (replies.length >= count) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/**
 * Floods the server with `count` pings from one connection as fast as a separate thread can send them (a
 * separate thread, as a real attacker is another process: its own sending and reading must not stall the
 * legitimate client being measured here). Resolves how many answers came back under each error code.
 */
export function floodFromWorker(
  url: string,
  count: number,
): Promise<{ codes: Record<string, number>; sample: Record<string, string> }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const WebSocket = require(workerData.wsPath);
    const ws = new WebSocket(workerData.url);
    const codes = {}, sample = {};
    let answered = 0;
    ws.on('open', () => {
      for (let id = 1; id <= workerData.count; id++)
        ws.send(JSON.stringify({ kind: 'request', id, method: 'app:ping', params: {} }));
    });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.kind !== 'response') return;
      const code = m.result.ok ? 'ok' : m.result.error.code;
      codes[code] = (codes[code] || 0) + 1;
      if (!m.result.ok) sample[code] = m.result.error.message;
      if (++answered === workerData.count) { parentPort.postMessage({ codes, sample }); ws.close(); }
    });
    ws.on('error', (e) => { throw e; });
  `;
  const worker = new Worker(source, {
    eval: true,
    workerData: { url, count, wsPath: createRequire(import.meta.url).resolve('ws') },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { codes: Record<string, number>; sample: Record<string, string> }) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

/**
 * Pings the server from a legitimate client, one every 20 ms, for as long as `attack` runs (and at least
 * `minPings` times); resolves the attack's value and the round trips in milliseconds.
 */
const PING_INTERVAL_MS = 20;

export async function measureDuring<T>(
  client: ContractClient,
  attack: () => Promise<T>,
  minPings = 5,
): Promise<{ value: T; latencies: number[] }> {
  const latencies: number[] = [];
  let done = false;
  const pinging = (async () => {
    while (!done || latencies.length < minPings) {
      const start = performance.now();
      const answer = await client.request('app:ping', {});
      if (!answer.ok) throw new Error(`ping failed: ${answer.error.message}`);
      const took = performance.now() - start;
      latencies.push(took);
      // Paced like a busy page (50 a second), well inside the rate limit the legitimate client is also under.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, PING_INTERVAL_MS - took)));
    }
  })();
  try {
    const value = await attack();
    return { value, latencies };
  } finally {
    done = true;
    await pinging;
  }
}

/** A PNG that is only its header: IHDR declares width×height, then an empty IDAT and IEND (valid CRCs). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', Buffer.alloc(0)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
