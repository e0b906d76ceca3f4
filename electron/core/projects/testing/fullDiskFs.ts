/**
 * A real file system with a byte budget, as a nearly full disk behaves: a write that does not fit writes
 * what fits, then fails with ENOSPC (leaving a partial file, as the kernel does).
 */
import { open } from 'node:fs/promises';

import { nodeProjectFs } from '../projectFs';
import type { ProjectFs } from '../projectFs';

export type FullDiskFs = ProjectFs & {
  /** Bytes that may still be written; Infinity for no limit. */
  budget: number;
  /** Paths of the writes that failed. */
  failures: string[];
};

export function fullDiskFs(budget: number): FullDiskFs {
  const fs: FullDiskFs = {
    ...nodeProjectFs,
    budget,
    failures: [],
    writeNewFileSynced: (path, data) => spend(path, data, 'wx', nodeProjectFs.writeNewFileSynced),
    appendFileSynced: (path, data) => spend(path, data, 'a', nodeProjectFs.appendFileSynced),
  };
  /** Writes `data` when it fits the budget; otherwise writes what fits and fails with ENOSPC. */
  async function spend(
    path: string,
    data: Uint8Array,
    flag: 'wx' | 'a',
    write: (path: string, data: Uint8Array) => Promise<void>,
  ): Promise<void> {
    if (data.length <= fs.budget) {
      fs.budget -= data.length;
      return write(path, data);
    }
    const handle = await open(path, flag);
    try {
      await handle.writeFile(data.subarray(0, Math.max(0, fs.budget)));
    } finally {
      await handle.close();
    }
    fs.budget = 0;
    fs.failures.push(path);
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
      code: 'ENOSPC',
      errno: -28,
    });
  }
  return fs;
}
