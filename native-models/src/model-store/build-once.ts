/**
 * Builds a folder at most once and never exposes a half-built one: the build runs in a temporary sibling
 * folder, a completion marker is written last, and the folder is renamed into place. A folder without a
 * matching marker (a crash mid-build, an older generator) is rebuilt. Concurrent builders (test workers)
 * race harmlessly: the first rename wins and the others discard their copy.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const COMPLETE_MARKER = '.complete.json';

async function markerMatches(dir: string, marker: unknown): Promise<boolean> {
  try {
    return (await readFile(join(dir, COMPLETE_MARKER), 'utf8')) === JSON.stringify(marker);
  } catch {
    return false;
  }
}

/** Returns `dir`, building it with `build(tmpDir)` unless it is already complete with this `marker`. */
export async function buildOnce(
  dir: string,
  marker: unknown,
  build: (tmpDir: string) => Promise<void>,
): Promise<string> {
  if (await markerMatches(dir, marker)) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp);
    await build(tmp);
    await writeFile(join(tmp, COMPLETE_MARKER), JSON.stringify(marker));
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(tmp, dir);
        return dir;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
        if (await markerMatches(dir, marker)) return dir;
        if (attempt > 2) throw error;
        // A stale or foreign folder is in the way: move it aside, then delete it.
        const aside = `${tmp}.stale`;
        await rename(dir, aside).catch(() => undefined);
        await rm(aside, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
