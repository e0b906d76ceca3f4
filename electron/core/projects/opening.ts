/**
 * Creating and opening a project folder: the writer lock (or read-only with the reason), loading with
 * recovery (see projectFile.ts), checking that every version's image is there, and — for the writer — saving
 * a recovered or migrated state at once and clearing temp files an interrupted save left behind.
 */
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

import { isTempName } from './atomicWrite';
import { BLOBS_DIR, BlobStore } from './blobStore';
import { hasErrno, ProjectError, toWriteError } from './errors';
import { inspectImage, makeThumbnail } from './imageOps';
import { journalInStep, JournalWriter } from './journal';
import {
  BACKUP_FILE,
  createProjectFile,
  loadProjectFile,
  PROJECT_FILE,
  saveProjectFile,
} from './projectFile';
import type { LoadSource } from './projectFile';
import { nodeProjectFs } from './projectFs';
import type { ProjectFs } from './projectFs';
import { ProjectLock } from './projectLock';
import { CURRENT_SCHEMA_VERSION } from './schemas';
import type { ProjectFile, VersionNode } from './schemas';
import { blobsOf, newVersionId } from './versionRecords';

export type OpenOptions = {
  /** File-system layer (tests inject failures). */
  fs?: ProjectFs;
  /** Open without taking the writer lock. */
  readOnly?: boolean;
  /**
   * 'hash' (default): a version is available when its image's content matches its hash, so a damaged image
   * is reported on open rather than on first use. 'exists': only that the file is there (faster).
   */
  verifyBlobs?: 'exists' | 'hash';
};

export type CreateOptions = { fs?: ProjectFs; name?: string; sourceName?: string };

/** What opening found. `issues` is empty for an intact project. */
export type OpenReport = {
  source: LoadSource;
  /** The format version the file was upgraded from, or null if it was current. */
  migratedFrom: number | null;
  issues: string[];
};

/** An opened project folder: what a Project instance starts from (see its fields). */
export type OpenedProject = {
  dir: string;
  fs: ProjectFs;
  blobs: BlobStore;
  file: ProjectFile;
  lock: ProjectLock | null;
  readOnlyReason: string | null;
  report: OpenReport;
  unavailable: Set<string>;
  /** The writer's journal (journal.ts); null when read-only. */
  journal: JournalWriter | null;
};

const DISK_FULL_READ_ONLY =
  'The disk is full, so this project is opened read-only (nothing on disk was changed). Free some space and open it again to edit.';

/** See Project.create. */
export async function createProjectFolder(
  dir: string,
  image: Uint8Array,
  options: CreateOptions,
): Promise<OpenedProject> {
  const fs = options.fs ?? nodeProjectFs;
  const info = await inspectImage(options.sourceName ? `"${options.sourceName}"` : 'The file', image);
  if (await fs.exists(join(dir, PROJECT_FILE))) {
    throw new ProjectError('PROJECT_EXISTS', `There is already a project in ${dir}.`);
  }
  try {
    await fs.mkdirp(join(dir, BLOBS_DIR));
  } catch (error) {
    throw toWriteError(error, 'the project folder');
  }
  const acquired = await ProjectLock.acquire(fs, dir);
  if (!acquired.acquired) throw new ProjectError('PROJECT_LOCKED', acquired.reason);
  const { lock } = acquired;
  try {
    const blobs = new BlobStore(fs, join(dir, BLOBS_DIR));
    const blob = await blobs.put(image, info.format === 'jpeg' ? 'jpg' : info.format);
    const thumbnail = await blobs.put(await makeThumbnail(image), 'webp');
    const now = new Date().toISOString();
    const root: VersionNode = {
      id: newVersionId(),
      parentId: null,
      createdAt: now,
      kind: 'import',
      image: { blob, width: info.width, height: info.height },
      thumbnail,
      recipe: null,
      sourceName: options.sourceName ?? null,
      label: null,
    };
    const file: ProjectFile = {
      schemaVersion: CURRENT_SCHEMA_VERSION,
      generation: 0,
      id: randomUUID(),
      name: options.name ?? (options.sourceName ? stripExtension(options.sourceName) : basename(dir)),
      createdAt: now,
      updatedAt: now,
      head: root.id,
      versions: [root],
    };
    await createProjectFile(fs, dir, file);
    // The new folder's own entry in its parent must be durable too, or a power cut could lose the project.
    await fs.fsyncDir(dirname(dir)).catch(() => undefined);
    const journal = new JournalWriter(fs, dir, null);
    await journal.start(file);
    const report: OpenReport = { source: 'primary', migratedFrom: null, issues: [] };
    return { dir, fs, blobs, file, lock, readOnlyReason: null, report, unavailable: new Set(), journal };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** See Project.open. */
export async function openProjectFolder(dir: string, options: OpenOptions): Promise<OpenedProject> {
  const fs = options.fs ?? nodeProjectFs;
  if (!(await fs.exists(dir))) throw new ProjectError('PROJECT_NOT_FOUND', `No project folder at ${dir}.`);
  let lock: ProjectLock | null = null;
  let readOnlyReason: string | null = options.readOnly ? 'Opened read-only.' : null;
  if (!options.readOnly) {
    try {
      const result = await ProjectLock.acquire(fs, dir);
      if (result.acquired) lock = result.lock;
      else readOnlyReason = result.reason;
    } catch (error) {
      if (hasErrno(error, 'ENOSPC', 'EDQUOT')) readOnlyReason = DISK_FULL_READ_ONLY;
      else if (hasErrno(error, 'EACCES', 'EPERM', 'EROFS'))
        readOnlyReason = 'The project folder is not writable; it is opened read-only.';
      else throw toWriteError(error, 'the project lock');
    }
  }
  try {
    const loaded = await loadProjectFile(fs, dir);
    const blobs = new BlobStore(fs, join(dir, BLOBS_DIR));
    const migratedFrom = loaded.migratedFrom === CURRENT_SCHEMA_VERSION ? null : loaded.migratedFrom;
    const report: OpenReport = { source: loaded.source, migratedFrom, issues: [...loaded.issues] };
    let file = loaded.file;
    const checked = await checkBlobs(blobs, file.versions, options.verifyBlobs ?? 'hash');
    report.issues.push(...checked.issues);
    if (loaded.source !== 'primary') {
      // After a recovery, images whose records were lost are still on disk: say so (they are kept).
      const used = new Set(file.versions.flatMap(blobsOf));
      const orphans = [...(await blobs.list())].filter((b) => !used.has(b) && !b.endsWith('.webp'));
      if (orphans.length > 0) {
        report.issues.push(
          `${orphans.length} image file(s) in blobs/ belong to versions that could not be recovered; they are kept: ${orphans.join(', ')}.`,
        );
      }
    }
    if (lock && (loaded.source !== 'primary' || migratedFrom !== null)) {
      const saved = {
        ...file,
        generation: Math.max(loaded.maxGeneration, file.generation) + 1,
        updatedAt: new Date().toISOString(),
      };
      try {
        await keepOriginal(fs, dir, loaded.source, migratedFrom);
        await saveProjectFile(fs, dir, saved);
        file = saved;
      } catch (error) {
        if (!(error instanceof ProjectError && error.code === 'DISK_FULL')) throw error;
        // What was recovered is shown but not written over the damaged files until there is room.
        await lock.release();
        lock = null;
        readOnlyReason = DISK_FULL_READ_ONLY;
      }
    }
    let journal: JournalWriter | null = null;
    if (lock) {
      const inStep =
        file === loaded.file && loaded.source === 'primary' && journalInStep(loaded.journal, file);
      journal = new JournalWriter(fs, dir, inStep ? loaded.journal.size : null);
      if (!inStep) await journal.start(file);
      await removeLeftoverTemps(fs, dir, blobs.dir);
    }
    return { dir, fs, blobs, file, lock, readOnlyReason, report, unavailable: checked.unavailable, journal };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/** Finds versions whose image is missing (or damaged, in 'hash' mode); returns them and the issues. */
export async function checkBlobs(
  blobs: BlobStore,
  versions: readonly VersionNode[],
  mode: 'exists' | 'hash',
): Promise<{ unavailable: Set<string>; issues: string[] }> {
  const present = await blobs.list();
  const unavailable = new Set<string>();
  const issues: string[] = [];
  for (const v of versions) {
    const ok =
      present.has(v.image.blob) && (mode === 'exists' || (await blobs.health(v.image.blob)) === 'ok');
    if (!ok) {
      unavailable.add(v.id);
      issues.push(
        `The image of version ${v.id}${v.label ? ` ("${v.label}")` : ''} is ${present.has(v.image.blob) ? 'damaged' : 'missing'} (${v.image.blob}).`,
      );
    }
  }
  return { unavailable, issues };
}

/** Keeps the file as it was before a recovery or migration is saved over it. */
async function keepOriginal(
  fs: ProjectFs,
  dir: string,
  source: LoadSource,
  migratedFrom: number | null,
): Promise<void> {
  const keepAs =
    source === 'primary'
      ? `project.v${migratedFrom}.json`
      : `project.json.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fs.copyFileExclusive(join(dir, PROJECT_FILE), join(dir, keepAs)).catch(async (error: unknown) => {
    if (hasErrno(error, 'ENOENT', 'EEXIST')) return;
    // Not a file (a folder in its place): it cannot be copied, and must move for the save to take its name.
    if (hasErrno(error, 'EISDIR', 'ENOTSUP', 'EINVAL'))
      return fs.rename(join(dir, PROJECT_FILE), join(dir, keepAs));
    throw toWriteError(error, 'a copy of the damaged project file');
  });
}

/** Deletes temp files left by an interrupted save (never state: see atomicWrite.ts). */
async function removeLeftoverTemps(fs: ProjectFs, dir: string, blobsDir: string): Promise<void> {
  for (const folder of [dir, blobsDir]) {
    for (const name of await fs.readdir(folder).catch(() => [] as string[])) {
      const ours = name.startsWith(PROJECT_FILE) || name.startsWith(BACKUP_FILE) || folder === blobsDir;
      if (ours && isTempName(name)) await fs.unlink(join(folder, name)).catch(() => undefined);
    }
  }
}

function stripExtension(name: string): string {
  return basename(name).replace(/\.[^.]+$/, '') || name;
}
