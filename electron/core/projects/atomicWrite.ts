/**
 * Atomic replacement of one file: write a uniquely named temp file next to it, fsync it, rename it over the
 * target, fsync the directory. A reader (or a process restarted after a kill at any instant) sees either the
 * complete old file or the complete new one, never a mix; a leftover temp file is garbage, never state.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';

import type { ProjectFs } from './projectFs';

/** Temp files are `<name>.tmp-<random>` so that cleanup can recognise (and only touch) them. */
export const TEMP_MARKER = '.tmp-';

export function tempPathFor(path: string): string {
  return `${path}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;
}

export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

/** Writes `data` to a fresh temp file and renames it onto `path`. Leaves no temp file behind on failure. */
export async function writeFileAtomic(fs: ProjectFs, path: string, data: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await fs.writeNewFileSynced(temp, data);
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await fs.fsyncDir(dirname(path));
}

/** The names of leftover temp files in `dir` written for `forName` (or any, when omitted). */
export async function listTempFiles(fs: ProjectFs, dir: string, forName?: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter(
    (n) => isTempName(n) && (forName === undefined || basename(n).startsWith(forName + TEMP_MARKER)),
  );
}
