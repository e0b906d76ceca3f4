/**
 * Checks a model folder against its model.json before anything is loaded: the manifest's format, that
 * every component's files are listed, and that every listed file exists with the recorded size and
 * sha256. A folder that fails is refused whole; nothing in it is used.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderLayoutProblem } from './folder-layout';
import { sha256File } from './hash';
import { manifestProblem } from './manifest-schema';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, MODEL_MANIFEST } from './manifest';
import type { ModelManifest } from './manifest';

/**
 * 'sha256' hashes every file; 'size' checks presence and sizes only; 'auto' hashes only files whose inode,
 * size, modification or change time differ from the last full verification (recorded in `.verified.json`),
 * so a 40 GB model is hashed once, not at every start, while any rewritten file is still caught — the change
 * time too, which a write moves and `touch -d` cannot set back.
 */
export type VerifyMode = 'sha256' | 'size' | 'auto';

/** Written after a successful hash of every file: what each file looked like then. */
export const VERIFIED_STAMP = '.verified.json';

type FileStamp = { ino: number; bytes: number; mtimeMs: number; ctimeMs: number };
type Stamp = { manifestSha256: string; files: Record<string, FileStamp> };

/** Times to the millisecond: finer digits do not survive every file system or a JSON round trip. */
const stampOf = (info: Stats): FileStamp => ({
  ino: info.ino,
  bytes: info.size,
  mtimeMs: Math.round(info.mtimeMs),
  ctimeMs: Math.round(info.ctimeMs),
});
const sameStamp = (a: FileStamp | undefined, b: FileStamp) =>
  a !== undefined &&
  a.ino === b.ino &&
  a.bytes === b.bytes &&
  a.mtimeMs === b.mtimeMs &&
  a.ctimeMs === b.ctimeMs;

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, VERIFIED_STAMP), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

/**
 * Writes the stamp of a full verification for a folder whose files were hashed as they were written (the
 * converter's case), so that its first 'auto' check compares sizes and times instead of hashing again.
 * `manifestText` is the exact text of its model.json.
 */
export async function recordVerified(dir: string, manifestText: string): Promise<void> {
  const manifest = JSON.parse(manifestText) as ModelManifest;
  const files: Stamp['files'] = {};
  for (const [file, expected] of Object.entries(manifest.files)) {
    const info = await stat(join(dir, file));
    if (info.size !== expected.bytes)
      throw new ModelFolderError(`${join(dir, file)}: size changed while stamping`);
    files[file] = stampOf(info);
  }
  const manifestSha256 = createHash('sha256').update(manifestText).digest('hex');
  await writeFile(join(dir, VERIFIED_STAMP), JSON.stringify({ manifestSha256, files } satisfies Stamp));
}

/** Reads and checks `dir/model.json`; with mode 'sha256' (default) every file is hashed too. */
export async function verifyModelFolder(dir: string, mode: VerifyMode = 'sha256'): Promise<ModelManifest> {
  const manifestPath = join(dir, MODEL_MANIFEST);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new ModelFolderError(
      `${dir}: not a model folder (no ${MODEL_MANIFEST}; an unfinished conversion leaves none)`,
    );
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (error) {
    throw new ModelFolderError(`${manifestPath}: malformed JSON (${(error as Error).message})`);
  }
  const format = (manifest as { format?: unknown } | null)?.format;
  if (format !== MODEL_FORMAT) throw new ModelFolderError(`${manifestPath}: not a ${MODEL_FORMAT} manifest`);
  if (manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelFolderError(
      `${manifestPath}: format version ${manifest.formatVersion}, this build reads ${MODEL_FORMAT_VERSION}; convert the checkpoint again`,
    );
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new ModelFolderError(`${manifestPath}: malformed manifest at ${problem}`);
  const escape = await folderLayoutProblem(dir, manifest);
  if (escape) throw new ModelFolderError(`${manifestPath}: ${escape}`);
  const manifestSha256 = createHash('sha256').update(text).digest('hex');
  const stamp = mode === 'auto' ? await readStamp(dir) : undefined;
  const trusted = stamp?.manifestSha256 === manifestSha256 ? stamp.files : {};
  const seen: Stamp['files'] = {};
  for (const [file, expected] of Object.entries(manifest.files)) {
    const path = join(dir, file);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new ModelFolderError(`${path}: missing (listed in ${MODEL_MANIFEST})`);
    const size = info.size;
    seen[file] = stampOf(info);
    if (size !== expected.bytes) {
      throw new ModelFolderError(
        `${path}: ${size} bytes, ${MODEL_MANIFEST} records ${expected.bytes} (truncated or modified)`,
      );
    }
    const unchanged = sameStamp(trusted[file], seen[file]);
    if (mode === 'sha256' || (mode === 'auto' && !unchanged)) {
      const actual = await sha256File(path);
      if (actual !== expected.sha256) {
        throw new ModelFolderError(
          `${path}: sha256 mismatch (${MODEL_MANIFEST} records ${expected.sha256.slice(0, 16)}…, the file has ${actual.slice(0, 16)}…): the file is corrupt or was modified`,
        );
      }
    }
  }
  if (mode !== 'size') {
    // Best effort: a read-only model folder simply gets hashed again next time.
    await writeFile(
      join(dir, VERIFIED_STAMP),
      JSON.stringify({ manifestSha256, files: seen } satisfies Stamp),
    ).catch(() => undefined);
  }
  return manifest;
}
