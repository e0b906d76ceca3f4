/**
 * `pull`: a catalogue entry's files from the hub (or a mirror) into a checkpoint folder in the diffusers
 * layout, resumable at any point (pause is an abort; calling pull again resumes). The file list and hashes
 * come from the hub's API at the commit the revision resolves to; the disk is checked for the download
 * plus its conversion before the first byte; `source.json` is written last, naming repo, commit and hashes.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Precision } from '../onnx';
import type { CatalogueEntry } from './catalogue';
import { conversionBytes } from './conversion-size';
import { DiskSpaceError, statfsFreeBytes } from './disk-space';
import type { FreeBytes } from './disk-space';
import { downloadFile } from './file-download';
import { fetchSnapshot, fileUrl } from './hub-api';
import type { HubAccess, RemoteFile } from './hub-api';
import { expectedDigest } from './file-check';
import { readPartState, keptBytes } from './part-state';
import { DEFAULT_RETRY, withRetry } from './retry';
import type { RetryPolicy } from './retry';

export const SOURCE_RECORD = 'source.json';

export type PullProgress = Readonly<{
  file: string;
  doneBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  etaSeconds: number;
}>;

export type PullOptions = Readonly<{
  access: HubAccess;
  entry: CatalogueEntry;
  /** The checkpoint folder to fill. */
  dir: string;
  /** Precision it will be converted to (sizes the disk check); none: download only. */
  convertTo?: Precision;
  chunkSize?: number;
  parallel?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  onRetry?: (message: string) => void;
  freeBytes?: FreeBytes;
}>;

export type SourceRecord = Readonly<{
  id: string;
  repo: string;
  revision: string;
  sha: string;
  endpoint: string;
  files: Readonly<Record<string, { bytes: number; sha256: string | null; gitOid: string }>>;
}>;

export type PullReport = {
  record: SourceRecord;
  totalBytes: number;
  /** Bytes found on disk (complete files and synced partials) when the pull started. */
  keptBytes: number;
  fetchedBytes: number;
  /** Bytes fetched twice (damaged or wrongly served bytes, restarts without Range). */
  discardedBytes: number;
};

const CHUNK = 16 << 20;

async function bytesOnDisk(dir: string, file: RemoteFile): Promise<number> {
  const dest = join(dir, file.path);
  const done = await stat(dest).catch(() => undefined);
  if (done?.size === file.size) return file.size;
  const state = await readPartState(dest, expectedDigest(file), file.size);
  return state ? keptBytes(state) : 0;
}

export async function readSourceRecord(dir: string): Promise<SourceRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, SOURCE_RECORD), 'utf8')) as SourceRecord;
  } catch {
    return undefined;
  }
}

export async function pull(options: PullOptions): Promise<PullReport> {
  const { access, entry, dir } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const snapshot = await withRetry(
    retry,
    options.signal,
    () => fetchSnapshot(access, entry.repo, entry.revision, entry.files, options.signal),
    (e) => options.onRetry?.((e as Error).message),
  );
  const totalBytes = snapshot.files.reduce((sum, f) => sum + f.size, 0);
  let kept = 0;
  for (const f of snapshot.files) kept += await bytesOnDisk(dir, f);
  const needed = totalBytes - kept + (options.convertTo ? conversionBytes(totalBytes, options.convertTo) : 0);
  const free = await (options.freeBytes ?? statfsFreeBytes)(dir);
  if (free < needed * 1.02)
    throw new DiskSpaceError(
      dir,
      needed * 1.02,
      free,
      options.convertTo ? `downloading and converting ${entry.name}` : `downloading ${entry.name}`,
    );

  const report: PullReport = {
    record: {
      id: entry.id,
      repo: entry.repo,
      revision: entry.revision,
      sha: snapshot.sha,
      endpoint: access.endpoint,
      files: Object.fromEntries(
        snapshot.files.map((f) => [f.path, { bytes: f.size, sha256: f.sha256, gitOid: f.gitOid }]),
      ),
    },
    totalBytes,
    keptBytes: kept,
    fetchedBytes: 0,
    discardedBytes: 0,
  };
  const started = performance.now();
  let done = kept;
  const ranges = { supported: true };
  // Small files first: the configs arrive at once and a model's size is known early.
  for (const file of [...snapshot.files].sort((a, b) => a.size - b.size)) {
    const onBytes = (n: number) => {
      done += n;
      report.fetchedBytes += n;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? report.fetchedBytes / seconds : 0;
      options.onProgress?.({
        file: file.path,
        doneBytes: done,
        totalBytes,
        bytesPerSecond: rate,
        etaSeconds: rate > 0 ? (totalBytes - done) / rate : Infinity,
      });
    };
    const before = await bytesOnDisk(dir, file);
    const result = await downloadFile({
      access,
      url: fileUrl(access, entry.repo, snapshot.sha, file.path),
      file,
      dest: join(dir, file.path),
      chunkSize: options.chunkSize ?? CHUNK,
      parallel: options.parallel ?? 4,
      retry,
      ranges,
      onBytes,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
    done -= result.discarded + (before - result.kept);
    report.discardedBytes += result.discarded;
  }
  await writeFile(join(dir, SOURCE_RECORD), `${JSON.stringify(report.record, null, 2)}\n`);
  return report;
}

/** Cancel: the partial download is removed. */
export async function discardPull(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Bytes of a download on disk without asking the hub: complete files plus the synced part of partial ones. */
export async function downloadedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!e.isFile() || e.name === SOURCE_RECORD) continue;
    const path = join(e.parentPath, e.name);
    if (e.name.endsWith('.part.json')) {
      const state = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as { written?: number[] };
      total += (state.written ?? []).reduce((a, b) => a + b, 0);
    } else if (!e.name.endsWith('.part') && !e.name.endsWith('.tmp')) {
      total += (await stat(path)).size;
    }
  }
  return total;
}
