/** Free bytes where a download or conversion will write, and the refusal when they do not suffice. */
import { mkdir, statfs } from 'node:fs/promises';

export type FreeBytes = (dir: string) => Promise<number>;

export const statfsFreeBytes: FreeBytes = async (dir) => {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
};

export class DiskSpaceError extends Error {
  constructor(
    readonly dir: string,
    readonly neededBytes: number,
    readonly freeBytes: number,
    what: string,
  ) {
    const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
    super(
      `${dir}: ${what} needs ${gb(neededBytes)} but only ${gb(freeBytes)} is free; nothing was downloaded`,
    );
    this.name = 'DiskSpaceError';
  }
}
