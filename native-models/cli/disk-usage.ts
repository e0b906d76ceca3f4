/**
 * A folder's size as `du -sh` reports it — the blocks allocated to it and everything in it, in powers of
 * 1024, rounded up — and its apparent size (the sum of the files' lengths, `du -sb`), so a summary's
 * numbers can be checked with `du` rather than argued about (the two differ by block rounding, sparse
 * files and the folders' own blocks).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type DiskUsage = Readonly<{ allocatedBytes: number; apparentBytes: number; files: number }>;

export async function diskUsage(dir: string): Promise<DiskUsage> {
  let allocatedBytes = 0;
  let apparentBytes = 0;
  let files = 0;
  const seen = new Set<string>();
  const visit = async (path: string) => {
    const info = await lstat(path);
    // du counts a file with several hard links once.
    const id = `${info.dev}:${info.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    allocatedBytes += info.blocks * 512;
    apparentBytes += info.size;
    if (info.isFile()) files++;
    if (info.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(dir);
  return { allocatedBytes, apparentBytes, files };
}

const UNITS = ['K', 'M', 'G', 'T', 'P', 'E'];

/** `bytes` as GNU `du -h` prints it: powers of 1024, one decimal below 10, always rounded up. */
export function duHuman(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  let scale = 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= scale * 1024) {
    scale *= 1024;
    unit++;
  }
  // Dividing by a power of two is exact in floating point, so the ceilings are exact too.
  const tenths = Math.ceil((bytes * 10) / scale);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}${UNITS[unit]}`;
  const whole = Math.ceil(bytes / scale);
  if (whole < 1024 || unit === UNITS.length - 1) return `${whole}${UNITS[unit]}`;
  return `1.0${UNITS[unit + 1]}`;
}

/** `63M on disk (du -sh), 86,111,698 bytes apparent (du -sb), 24 files`. */
export function describeUsage(usage: DiskUsage): string {
  return `${duHuman(usage.allocatedBytes)} on disk (du -sh), ${usage.apparentBytes.toLocaleString('en-US')} bytes apparent (du -sb), ${usage.files} files`;
}
