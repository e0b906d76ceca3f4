/**
 * Content-addressed, immutable image files: `blobs/<sha256>.<ext>`. A blob is written (and made durable)
 * before any project.json that refers to it, so a saved project never points at a blob that is not on disk.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { writeFileAtomic } from './atomicWrite';
import { hasErrno, ProjectError, toWriteError } from './errors';
import type { ProjectFs } from './projectFs';
import { blobRefSchema } from './schemas';
import type { BlobRef } from './schemas';

/** The store's folder inside a project (and inside each trash entry). */
export const BLOBS_DIR = 'blobs';

export type BlobExtension = 'png' | 'jpg' | 'webp' | 'gif' | 'tif' | 'avif';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws INVALID_BLOB_NAME unless `name` is exactly `<sha256>.<ext>` (so no path can be smuggled in). */
export function checkBlobRef(name: string): BlobRef {
  const parsed = blobRefSchema.safeParse(name);
  if (!parsed.success) {
    throw new ProjectError(
      'INVALID_BLOB_NAME',
      `Refused blob name ${JSON.stringify(name.slice(0, 100))}: not <sha256>.<ext>.`,
    );
  }
  return parsed.data;
}

export function blobRefOf(bytes: Uint8Array, ext: BlobExtension): BlobRef {
  return `${sha256Hex(bytes)}.${ext}`;
}

export type BlobHealth = 'ok' | 'missing' | 'corrupt';

export class BlobStore {
  constructor(
    private readonly fs: ProjectFs,
    /** The `blobs/` folder. */
    readonly dir: string,
  ) {}

  /** The path of a blob; rejects anything that is not a blob name. */
  pathOf(ref: string): string {
    return join(this.dir, checkBlobRef(ref));
  }

  /**
   * Stores `bytes` and returns its name. An existing blob with the same name is kept when its content
   * verifies, and replaced (atomically) when it does not.
   */
  async put(bytes: Uint8Array, ext: BlobExtension): Promise<BlobRef> {
    const ref = blobRefOf(bytes, ext);
    if ((await this.health(ref)) === 'ok') return ref;
    try {
      await writeFileAtomic(this.fs, this.pathOf(ref), bytes);
    } catch (error) {
      throw toWriteError(error, 'an image');
    }
    return ref;
  }

  /** Reads a blob and checks its hash: BLOB_MISSING / BLOB_CORRUPT otherwise. */
  async read(ref: string): Promise<Buffer> {
    const path = this.pathOf(ref);
    let bytes: Buffer;
    try {
      bytes = await this.fs.readFile(path);
    } catch (error) {
      if (hasErrno(error, 'ENOENT'))
        throw new ProjectError('BLOB_MISSING', `The image file ${ref} is missing from the project.`);
      if (hasErrno(error, 'EISDIR'))
        throw new ProjectError(
          'BLOB_CORRUPT',
          `The image file ${ref} is damaged (a folder is in its place).`,
        );
      throw new ProjectError('IO_ERROR', `Could not read image file ${ref}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (sha256Hex(bytes) !== ref.slice(0, 64)) {
      throw new ProjectError(
        'BLOB_CORRUPT',
        `The image file ${ref} is damaged (its content does not match its hash).`,
      );
    }
    return bytes;
  }

  async health(ref: string): Promise<BlobHealth> {
    try {
      await this.read(ref);
      return 'ok';
    } catch (error) {
      if (error instanceof ProjectError && error.code === 'BLOB_MISSING') return 'missing';
      if (error instanceof ProjectError && error.code === 'BLOB_CORRUPT') return 'corrupt';
      throw error;
    }
  }

  /** Names of the blobs present (one readdir; no hashing). */
  async list(): Promise<Set<string>> {
    const names = await this.fs.readdir(this.dir).catch(() => [] as string[]);
    return new Set(names.filter((n) => blobRefSchema.safeParse(n).success));
  }
}
