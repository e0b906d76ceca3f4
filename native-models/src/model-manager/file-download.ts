/**
 * Downloads one file into place: parallel ranged requests per chunk into `<dest>.part`, progress recorded in
 * `<dest>.part.json` (see part-state.ts) so an interrupted download — dropped connection, pause, killed
 * process — resumes where the synced bytes end, then the whole file is checked against the hub's hash and
 * renamed into place. A mismatch re-fetches only chunks whose bytes on disk differ from what was received,
 * or the whole file when the server itself sent wrong bytes. A server that ignores Range gets one plain
 * request for the whole file.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { dirname } from 'node:path';
import { authHeaders } from './hub-api';
import type { HubAccess, RemoteFile } from './hub-api';
import { httpError, HubError } from './hub-errors';
import { expectedDigest, fileHasher } from './file-check';
import {
  chunkLength,
  chunkStart,
  freshState,
  keptBytes,
  partPath,
  readPartState,
  statePath,
  writePartState,
} from './part-state';
import type { PartState } from './part-state';
import { withRetry } from './retry';
import { coalescedSync } from './coalesced-sync';
import type { RetryPolicy } from './retry';

export type FileDownloadOptions = Readonly<{
  access: HubAccess;
  url: string;
  file: RemoteFile;
  dest: string;
  chunkSize: number;
  parallel: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** Bytes received from the network (for speed, ETA and the re-download count). */
  onBytes?: (n: number) => void;
  onRetry?: (message: string) => void;
  /** Shared across the files of one download: false once a server was seen ignoring Range. */
  ranges: { supported: boolean };
}>;

export type FileDownloadReport = {
  /** Bytes already on disk (complete or verified-partial) when this call started. */
  kept: number;
  /** Bytes received over the network by this call. */
  fetched: number;
  /** Bytes thrown away and fetched again (damaged chunks, bad server bytes, restarts without Range). */
  discarded: number;
};

/** A ranged request answered with the whole file; not retried, the file restarts without Range. */
class RangeIgnored extends HubError {
  constructor() {
    super('the server ignores Range requests', 200, false);
  }
}

const MAX_VERIFY_ROUNDS = 3;

async function hashFile(path: string, hasher: Hash, start = 0, end?: number): Promise<Hash> {
  if (end !== undefined && end < start) return hasher;
  const stream = createReadStream(path, {
    start,
    ...(end !== undefined ? { end } : {}),
    highWaterMark: 4 << 20,
  });
  for await (const piece of stream) hasher.update(piece as Buffer);
  return hasher;
}

/** Downloads `file` to `dest` unless it is already there and intact. */
export async function downloadFile(options: FileDownloadOptions): Promise<FileDownloadReport> {
  const { file, dest } = options;
  const digest = expectedDigest(file);
  const report: FileDownloadReport = { kept: 0, fetched: 0, discarded: 0 };
  await mkdir(dirname(dest), { recursive: true });
  const existing = await stat(dest).catch(() => undefined);
  if (existing?.size === file.size) {
    if ((await hashFile(dest, fileHasher(file))).digest('hex') === digest) {
      report.kept = file.size;
      return report;
    }
  }
  if (existing) await rm(dest);

  let state = await readPartState(dest, digest, file.size);
  if (!state || !options.ranges.supported) {
    await rm(partPath(dest), { force: true });
    state = freshState(
      digest,
      file.size,
      options.ranges.supported ? options.chunkSize : Math.max(1, file.size),
    );
  }
  report.kept = keptBytes(state);
  const handle = await open(partPath(dest), 'a+').then(async (h) => {
    await h.close();
    return open(partPath(dest), 'r+');
  });
  try {
    await handle.truncate(file.size);
    for (let round = 1; ; round++) {
      try {
        await fetchChunks(options, state, handle, report);
      } catch (error) {
        if (!(error instanceof RangeIgnored)) throw error;
        // The server sends whole files only: start over with one chunk spanning the file.
        options.ranges.supported = false;
        report.discarded += keptBytes(state);
        state = freshState(digest, file.size, Math.max(1, file.size));
        await fetchChunks(options, state, handle, report);
      }
      await handle.datasync();
      const actual = (await hashFile(partPath(dest), fileHasher(file))).digest('hex');
      if (actual === digest) break;
      if (round >= MAX_VERIFY_ROUNDS)
        throw new HubError(
          `${file.path}: the download does not match its hash after ${round} attempts (expected ${digest}, got ${actual})`,
          undefined,
          false,
        );
      const damaged = await damagedChunks(partPath(dest), state);
      const redo = damaged.length > 0 ? damaged : state.written.map((_, i) => i);
      options.onRetry?.(
        `${file.path}: hash mismatch, fetching ${damaged.length > 0 ? `${damaged.length} damaged chunk(s)` : 'the file'} again`,
      );
      for (const i of redo) {
        report.discarded += state.written[i]!;
        state.written[i] = 0;
        state.chunkSha256[i] = null;
      }
      await writePartState(dest, state);
    }
  } finally {
    await handle.close();
  }
  await rename(partPath(dest), dest);
  await rm(statePath(dest), { force: true });
  return report;
}

/** Chunks whose bytes on disk no longer hash to what was received for them. */
async function damagedChunks(path: string, state: PartState): Promise<number[]> {
  const damaged: number[] = [];
  for (const [i, expected] of state.chunkSha256.entries()) {
    const start = chunkStart(state, i);
    const got = (await hashFile(path, createHash('sha256'), start, start + chunkLength(state, i) - 1)).digest(
      'hex',
    );
    if (expected !== null && got !== expected) damaged.push(i);
  }
  return damaged;
}

/** Fetches every incomplete chunk, `parallel` at a time, recording progress as it is synced. */
async function fetchChunks(
  options: FileDownloadOptions,
  state: PartState,
  handle: FileHandle,
  report: FileDownloadReport,
): Promise<void> {
  const pending = state.written.flatMap((w, i) => (w < chunkLength(state, i) ? [i] : []));
  if (pending.length === 0) return;
  // Bytes a crash can lose: under a quarter chunk in all plus one piece per worker, so < 1 chunk is re-fetched.
  const persistEvery = Math.max(1, Math.floor(state.chunkSize / (4 * options.parallel)));
  // The record is snapshotted when its sync starts, before the data sync, so it never claims unsynced bytes.
  const persist = coalescedSync(async () => {
    const snapshot: PartState = {
      ...state,
      written: [...state.written],
      chunkSha256: [...state.chunkSha256],
    };
    await handle.datasync();
    await writePartState(options.dest, snapshot);
  });
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = inner.signal;
  const worker = async () => {
    for (let i = pending.shift(); i !== undefined; i = pending.shift()) {
      await fetchChunk(options, state, i, handle, report, signal, persistEvery, persist);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.parallel, pending.length) }, () =>
        worker().catch((error: unknown) => {
          inner.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    await persist().catch(() => undefined);
  }
}

async function fetchChunk(
  options: FileDownloadOptions,
  state: PartState,
  i: number,
  handle: FileHandle,
  report: FileDownloadReport,
  signal: AbortSignal,
  persistEvery: number,
  persist: () => Promise<void>,
): Promise<void> {
  const start = chunkStart(state, i);
  const length = chunkLength(state, i);
  const wholeFile = length === state.size;
  // The chunk's received-bytes hash continues over what an earlier run already wrote.
  let hasher = await hashFile(
    partPath(options.dest),
    createHash('sha256'),
    start,
    start + state.written[i]! - 1,
  );
  const doFetch = options.access.fetch ?? fetch;
  await withRetry(
    options.retry,
    signal,
    async () => {
      if (wholeFile && !options.ranges.supported && state.written[i]! > 0) {
        // Without Range a retry starts over: what was written is thrown away.
        report.discarded += state.written[i]!;
        state.written[i] = 0;
        hasher = createHash('sha256');
      }
      const from = start + state.written[i]!;
      const to = start + length - 1;
      const headers: Record<string, string> = { ...authHeaders(options.access) };
      if (options.ranges.supported) headers.range = `bytes=${from}-${to}`;
      let response: Response;
      try {
        response = await doFetch(options.url, { headers, signal });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new HubError(`${options.file.path}: ${(error as Error).message}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw httpError(response.status, options.file.path, Boolean(options.access.token));
      }
      if (options.ranges.supported && response.status !== 206 && (!wholeFile || from !== 0)) {
        await response.body?.cancel();
        throw new RangeIgnored();
      }
      let since = 0;
      try {
        for await (const piece of response.body as AsyncIterable<Uint8Array>) {
          const room = start + length - (start + state.written[i]!);
          const bytes = piece.length > room ? piece.subarray(0, room) : piece;
          await handle.write(bytes, 0, bytes.length, start + state.written[i]!);
          hasher.update(bytes);
          state.written[i]! += bytes.length;
          report.fetched += bytes.length;
          options.onBytes?.(bytes.length);
          since += bytes.length;
          if (since >= persistEvery) {
            since = 0;
            await persist();
          }
          if (bytes.length < piece.length) break;
        }
      } catch (error) {
        if (signal.aborted) throw error;
        throw new HubError(`${options.file.path}: connection lost (${(error as Error).message})`);
      }
      if (state.written[i]! < length)
        throw new HubError(
          `${options.file.path}: connection closed after ${state.written[i]} of ${length} bytes`,
        );
    },
    (error) => options.onRetry?.((error as Error).message),
  );
  state.chunkSha256[i] = hasher.digest('hex');
  await persist();
}
