/**
 * The trash folder: `trash/<time>-<id>/` holds a deleted branch's records (`versions.json`) and the blobs no
 * remaining version uses (`blobs/`), until purgeTrash — the only operation that deletes user data.
 */
import { join } from 'node:path';

import { isTempName, writeFileAtomic } from './atomicWrite';
import { BLOBS_DIR, type BlobStore } from './blobStore';
import { hasErrno, toWriteError } from './errors';
import type { ProjectFs } from './projectFs';
import type { BlobRef, VersionNode } from './schemas';

export const TRASH_DIR = 'trash';

export const trashEntryName = (branchId: string) =>
  `${new Date().toISOString().replace(/[:.]/g, '-')}-${branchId}`;

/** Writes a deleted branch's records; they must be durable before the project stops naming them. */
export async function trashRecords(fs: ProjectFs, entryDir: string, removed: VersionNode[]): Promise<void> {
  await fs.mkdirp(join(entryDir, BLOBS_DIR));
  const record = { deletedAt: new Date().toISOString(), versions: removed };
  await writeFileAtomic(fs, join(entryDir, 'versions.json'), Buffer.from(JSON.stringify(record, null, 1)));
}

/**
 * Moves blobs into the entry once no saved state refers to them: a crash in between leaves them
 * unreferenced in blobs/, which is harmless. Returns the ones that were there to move.
 */
export async function trashBlobs(
  fs: ProjectFs,
  blobs: BlobStore,
  entryDir: string,
  refs: BlobRef[],
): Promise<BlobRef[]> {
  const moved: BlobRef[] = [];
  for (const ref of refs) {
    try {
      await fs.rename(blobs.pathOf(ref), join(entryDir, BLOBS_DIR, ref));
      moved.push(ref);
    } catch (error) {
      if (!hasErrno(error, 'ENOENT')) throw toWriteError(error, 'the deleted images');
    }
  }
  await fs.fsyncDir(blobs.dir);
  await fs.fsyncDir(join(entryDir, BLOBS_DIR));
  return moved;
}

/** Names of the trash entries (one per deleted branch). */
export async function listTrash(fs: ProjectFs, projectDir: string): Promise<string[]> {
  return (await fs.readdir(join(projectDir, TRASH_DIR)).catch(() => [] as string[]))
    .filter((n) => !isTempName(n))
    .sort();
}

/** Permanently deletes every trash entry; returns how many there were. */
export async function purgeTrash(fs: ProjectFs, projectDir: string): Promise<number> {
  const entries = await listTrash(fs, projectDir);
  for (const entry of entries) await fs.removeTree(join(projectDir, TRASH_DIR, entry));
  return entries.length;
}
