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

/** One deleted branch's folder in the trash. */
export class TrashEntry {
  readonly name: string;
  private readonly dir: string;

  constructor(
    private readonly fs: ProjectFs,
    projectDir: string,
    branchId: string,
  ) {
    this.name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${branchId}`;
    this.dir = join(projectDir, TRASH_DIR, this.name);
  }

  /** Writes the removed records; must be durable before the project stops naming them. */
  async keepRecords(removed: readonly VersionNode[]): Promise<void> {
    await this.fs.mkdirp(join(this.dir, BLOBS_DIR));
    const record = { deletedAt: new Date().toISOString(), versions: removed };
    await writeFileAtomic(
      this.fs,
      join(this.dir, 'versions.json'),
      Buffer.from(JSON.stringify(record, null, 1)),
    );
  }

  /** Drops the entry when the deletion did not happen after all. */
  async discard(): Promise<void> {
    await this.fs.removeTree(this.dir).catch(() => undefined);
  }

  /**
   * Moves blobs out of the store into the entry. Called only once no saved state refers to them: a crash in
   * between leaves them unreferenced in blobs/, which is harmless. Returns the ones that were there to move.
   */
  async takeBlobs(blobs: BlobStore, refs: readonly BlobRef[]): Promise<BlobRef[]> {
    const moved: BlobRef[] = [];
    for (const ref of refs) {
      try {
        await this.fs.rename(blobs.pathOf(ref), join(this.dir, BLOBS_DIR, ref));
        moved.push(ref);
      } catch (error) {
        if (!hasErrno(error, 'ENOENT')) throw toWriteError(error, 'the deleted images');
      }
    }
    await this.fs.fsyncDir(blobs.dir);
    await this.fs.fsyncDir(join(this.dir, BLOBS_DIR));
    return moved;
  }
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
