import { spawn } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { resolveCatalogueRef } from './catalogue';
import { DiskSpaceError } from './disk-space';
import { HubError } from './hub-errors';
import { partPath } from './part-state';
import { pull } from './pull';
import type { PullOptions } from './pull';
import { startHubServer } from './testing/hub-server';
import type { HubServer } from './testing/hub-server';

const CHUNK = 1 << 20;
const FAST_RETRY = { attempts: 5, baseDelayMs: 1, maxDelayMs: 4 };
const entry = resolveCatalogueRef('qwen-image-edit');

let source: string;
let work: string;
let hub: HubServer;
beforeAll(async () => {
  source = await ensureTinyCheckpoint(0);
  work = await mkdtemp(join(tmpdir(), 'pull-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
afterEach(async () => {
  await hub?.close();
});

let n = 0;
async function fresh(): Promise<{ dir: string; options: PullOptions; urls: string[] }> {
  hub = await startHubServer(source);
  const urls: string[] = [];
  const recording: typeof fetch = (input, init) => {
    urls.push(String(input));
    return fetch(input, init);
  };
  const dir = join(work, `m${n++}`);
  return {
    dir,
    urls,
    options: {
      access: { endpoint: hub.endpoint, fetch: recording },
      entry,
      dir,
      chunkSize: CHUNK,
      parallel: 3,
      retry: FAST_RETRY,
    },
  };
}

/** Every served file is byte-identical to the checkpoint. */
async function expectComplete(dir: string) {
  for (const f of hub.files) {
    const [got, want] = await Promise.all([readFile(join(dir, f.path)), readFile(join(source, f.path))]);
    expect(got.equals(want), f.path).toBe(true);
  }
  const leftovers = (await readdir(dir, { recursive: true })).filter((p) => p.includes('.part'));
  expect(leftovers).toEqual([]);
}

const biggest = () => [...hub.files].sort((a, b) => b.size - a.size)[0]!;

describe('pull from a hub on 127.0.0.1', () => {
  it('downloads every file at the resolved commit, checks hashes, contacts no other host', async () => {
    const { dir, options, urls } = await fresh();
    const progress: number[] = [];
    const report = await pull({ ...options, onProgress: (p) => progress.push(p.doneBytes) });
    await expectComplete(dir);
    const total = hub.files.reduce((s, f) => s + f.size, 0);
    expect(report).toMatchObject({ totalBytes: total, keptBytes: 0, fetchedBytes: total, discardedBytes: 0 });
    expect(report.record.sha).toBe(hub.sha);
    expect(progress.at(-1)).toBe(total);
    expect(urls.length).toBeGreaterThan(hub.files.length);
    expect(urls.every((u) => u.startsWith(`${hub.endpoint}/`))).toBe(true);
    expect(new Set(hub.hosts)).toEqual(new Set([new URL(hub.endpoint).host]));
    // The tree listing was paginated and every page followed.
    expect(urls.filter((u) => u.includes('/tree/')).length).toBeGreaterThan(1);
    // A second pull finds everything in place and fetches nothing.
    const again = await pull(options);
    expect(again).toMatchObject({ keptBytes: total, fetchedBytes: 0 });
  });

  it('resumes a connection dropped midway without fetching those bytes again', async () => {
    const { dir, options } = await fresh();
    hub.faults.dropOnce = { path: biggest().path, afterBytes: CHUNK / 2 };
    const retries: string[] = [];
    const report = await pull({ ...options, onRetry: (m) => retries.push(m) });
    await expectComplete(dir);
    expect(retries.some((m) => m.includes(biggest().path))).toBe(true);
    const redownloaded = report.fetchedBytes - report.totalBytes;
    expect(redownloaded).toBe(0);
    expect(report.discardedBytes).toBe(0);
  });

  it('resumes after pause (abort) and after a killed process, re-fetching less than one chunk', async () => {
    const { dir, options } = await fresh();
    const total = hub.files.reduce((s, f) => s + f.size, 0);
    hub.faults.stallAfterBytes = Math.floor(total / 2);
    const script = fileURLToPath(new URL('./testing/pull-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, hub.endpoint, dir, String(CHUNK)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let received = 0;
    let buffered = '';
    let stalled = false;
    // Caught up: the server holds every response and the child has written all it was sent (before the stall
    // the two counts also meet, whenever the child drains its socket).
    const caughtUp = new Promise<void>((resolve) => {
      const check = () => {
        if (stalled && received > 0 && received === hub.totalServed()) resolve();
      };
      void hub.stalled.then(() => {
        stalled = true;
        check();
      });
      child.stdout.on('data', (data: Buffer) => {
        buffered += data.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.startsWith('done ')) received = Number(line.slice(5));
        check();
      });
    });
    await caughtUp;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const servedBeforeKill = hub.totalServed();
    hub.faults.stallAfterBytes = undefined;
    hub.release();

    const report = await pull(options);
    await expectComplete(dir);
    const redownloaded = servedBeforeKill - report.keptBytes;
    expect(report.keptBytes).toBeGreaterThan(0);
    expect(redownloaded).toBeGreaterThanOrEqual(0);
    // Unsynced at the kill: under a quarter chunk of records plus one network piece per worker.
    expect(redownloaded).toBeLessThan(CHUNK);
    expect(report.fetchedBytes).toBe(total - report.keptBytes);
  });

  it('pause, a corrupted byte on disk: only the damaged chunk is fetched again', async () => {
    const { dir, options } = await fresh();
    const big = biggest();
    const pause = new AbortController();
    const paused = pull({
      ...options,
      signal: pause.signal,
      onProgress: (p) => {
        if (p.file === big.path && p.doneBytes > p.totalBytes - big.size / 2)
          pause.abort(new Error('paused'));
      },
    });
    await expect(paused).rejects.toThrow('paused');
    const fh = await open(partPath(join(dir, big.path)), 'r+');
    const one = Buffer.alloc(1);
    await fh.read(one, 0, 1, 10);
    one[0]! ^= 0x01;
    await fh.write(one, 0, 1, 10);
    await fh.close();
    const retries: string[] = [];
    const report = await pull({ ...options, onRetry: (m) => retries.push(m) });
    await expectComplete(dir);
    expect(report.discardedBytes).toBe(CHUNK);
    expect(retries.join('\n')).toMatch(/hash mismatch, fetching 1 damaged chunk/);
  });

  it('a byte corrupted in transit is detected and the file fetched again', async () => {
    const { dir, options } = await fresh();
    const big = biggest();
    hub.faults.corruptOnce = { path: big.path, offset: CHUNK + 5 };
    const report = await pull(options);
    await expectComplete(dir);
    expect(report.discardedBytes).toBe(big.size);
  });

  it('recovers from 500s with backoff', async () => {
    const { dir, options } = await fresh();
    hub.faults.errors500 = 3;
    const retries: string[] = [];
    await pull({ ...options, onRetry: (m) => retries.push(m) });
    await expectComplete(dir);
    expect(retries.filter((m) => m.includes('HTTP 500'))).toHaveLength(3);
  });

  it('falls back to whole-file requests when the server ignores Range', async () => {
    const { dir, options } = await fresh();
    hub.faults.ignoreRange = true;
    const report = await pull(options);
    await expectComplete(dir);
    // The first ranged request answered with a whole file is the only waste.
    expect(report.fetchedBytes - report.discardedBytes).toBe(report.totalBytes);
  });

  it('refuses to start without room for the download and conversion, downloading nothing', async () => {
    const { dir, options } = await fresh();
    const attempt = pull({ ...options, convertTo: 'bf16', freeBytes: async () => 10_000 });
    await expect(attempt).rejects.toThrow(DiskSpaceError);
    await expect(attempt).rejects.toThrow(
      /needs 0\.\d+ GB but only 0\.00 GB is free; nothing was downloaded/,
    );
    expect(hub.totalServed()).toBe(0);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('says clearly when the token is wrong, and never puts it in the message', async () => {
    const { dir, options } = await fresh();
    hub.faults.token = 'right-token';
    const wrong = pull({ ...options, access: { ...options.access, token: 'wrong-token' } });
    await expect(wrong).rejects.toThrow(HubError);
    const error = (await wrong.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/HTTP 401, the access token was refused/);
    expect(error.message).not.toContain('wrong-token');
    await expect(pull(options)).rejects.toThrow(/needs an access token/);
    await pull({ ...options, access: { ...options.access, token: 'right-token' } });
    await expectComplete(dir);
  });

  it('fetches only the listed files of a LoRA repo and refuses a missing one', async () => {
    const { dir, options } = await fresh();
    const only = { ...entry, files: ['vae/config.json', 'model_index.json'] };
    const report = await pull({ ...options, entry: only });
    expect(Object.keys(report.record.files).sort()).toEqual(['model_index.json', 'vae/config.json']);
    expect(await readFile(join(dir, 'vae/config.json'), 'utf8')).toBe(
      await readFile(join(source, 'vae/config.json'), 'utf8'),
    );
    await expect(pull({ ...options, entry: { ...entry, files: ['nope.safetensors'] } })).rejects.toThrow(
      /has no nope\.safetensors/,
    );
  });
});
