/**
 * The file-system calls the project store makes, behind an interface so tests can inject failures
 * (a full disk) into real file operations. `nodeProjectFs` is the real thing.
 */
import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';

export interface ProjectFs {
  readFile(path: string): Promise<Buffer>;
  /** Creates `path` (it must not exist), writes all of `data`, fsyncs the file and closes it. */
  writeNewFileSynced(path: string, data: Uint8Array): Promise<void>;
  /** Appends all of `data` (creating the file if needed) and fsyncs it. */
  appendFileSynced(path: string, data: Uint8Array): Promise<void>;
  truncate(path: string, size: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A hard link; may fail with EPERM/ENOTSUP on file systems without links (FAT, some network shares). */
  link(existing: string, newPath: string): Promise<void>;
  /** Copies without replacing an existing target. */
  copyFileExclusive(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdirp(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** Makes a directory's entries (renames, new files) durable. */
  fsyncDir(path: string): Promise<void>;
  removeTree(path: string): Promise<void>;
}

export const nodeProjectFs: ProjectFs = {
  readFile: (path) => fsp.readFile(path),
  writeNewFileSynced: (path, data) => writeSynced(path, data, 'wx'),
  appendFileSynced: (path, data) => writeSynced(path, data, 'a'),
  truncate: (path, size) => fsp.truncate(path, size),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, newPath) => fsp.link(existing, newPath),
  copyFileExclusive: (from, to) => fsp.copyFile(from, to, constants.COPYFILE_EXCL),
  unlink: (path) => fsp.unlink(path),
  mkdirp: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  readdir: (path) => fsp.readdir(path),
  async exists(path) {
    try {
      await fsp.access(path);
      return true;
    } catch {
      return false;
    }
  },
  async fsyncDir(path) {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, 'r');
    } catch (error) {
      // Windows cannot open a directory; NTFS journals renames itself, so there is nothing to do.
      if (process.platform === 'win32') return;
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      // Some file systems (e.g. certain network mounts) refuse fsync on directories.
      if (!(
        error instanceof Error &&
        'code' in error &&
        (error.code === 'EINVAL' || error.code === 'EISDIR')
      )) {
        throw error;
      }
    } finally {
      await handle.close();
    }
  },
  removeTree: (path) => fsp.rm(path, { recursive: true, force: true }),
};

async function writeSynced(path: string, data: Uint8Array, flag: 'wx' | 'a'): Promise<void> {
  const handle = await fsp.open(path, flag);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
