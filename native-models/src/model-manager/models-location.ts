/**
 * The model-folder setting: where the library lives when the user has chosen a folder other than the
 * default. The choice is kept outside the library, in `<user data>/models-location.json`, so it survives the
 * move. Changing it moves the library (installed models, downloads, `library.json`) into the new folder —
 * a rename on the same file system, else a copy followed by removal — after checking, before anything moves,
 * that the folder is writable, holds none of the same names, and has room.
 */
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FreeBytes } from './disk-space';
import { statfsFreeBytes } from './disk-space';

export const LOCATION_FILE = 'models-location.json';

export class ModelsLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelsLocationError';
  }
}

/** The folder chosen in `userData`'s setting, or undefined (the default applies). */
export function chosenModelsRoot(userData: string): string | undefined {
  try {
    const { dir } = JSON.parse(readFileSync(join(userData, LOCATION_FILE), 'utf8')) as { dir?: unknown };
    return typeof dir === 'string' && isAbsolute(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function treeBytes(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

async function sameFileSystem(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a), stat(b)]);
  return x.dev === y.dev;
}

export type MoveOptions = Readonly<{ freeBytes?: FreeBytes }>;

/**
 * Moves the library from `from` to `to` and records `to` in `userData`'s setting. Throws a ModelsLocationError,
 * with nothing moved, for a relative path, a folder inside the library, one that cannot be written, one that
 * already holds an entry of the same name, or one without room.
 */
export async function moveModelsRoot(
  userData: string,
  from: string,
  to: string,
  options: MoveOptions = {},
): Promise<void> {
  if (!isAbsolute(to)) throw new ModelsLocationError(`${to}: the model folder must be an absolute path`);
  const target = resolve(to);
  const source = resolve(from);
  if (target === source) return;
  const inside = relative(source, target);
  if (!inside.startsWith('..') && !isAbsolute(inside))
    throw new ModelsLocationError(`${target}: the model folder cannot be inside the current one (${source})`);
  try {
    await mkdir(target, { recursive: true });
    const probe = join(target, `.write-test-${process.pid}`);
    await writeFile(probe, 'x');
    await rm(probe);
  } catch (error) {
    throw new ModelsLocationError(
      `${target}: cannot write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const entries = await readdir(source).catch(() => [] as string[]);
  const present = new Set(await readdir(target));
  const clash = entries.filter((e) => present.has(e));
  if (clash.length > 0)
    throw new ModelsLocationError(`${target}: already holds ${clash.join(', ')}; choose an empty folder`);
  const move = entries.length > 0 && !(await sameFileSystem(source, target));
  if (move) {
    let needed = 0;
    for (const e of entries) needed += await treeBytes(join(source, e));
    const free = await (options.freeBytes ?? statfsFreeBytes)(target);
    if (free < needed * 1.02) {
      const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
      throw new ModelsLocationError(
        `${target}: the library needs ${gb(needed * 1.02)} but only ${gb(free)} is free; nothing was moved`,
      );
    }
  }
  for (const e of entries) {
    if (move) {
      await cp(join(source, e), join(target, e), { recursive: true, errorOnExist: true, force: false });
      await rm(join(source, e), { recursive: true, force: true });
    } else {
      await rename(join(source, e), join(target, e));
    }
  }
  await mkdir(userData, { recursive: true });
  const setting = join(userData, LOCATION_FILE);
  await writeFile(`${setting}.tmp`, `${JSON.stringify({ dir: target }, null, 2)}\n`);
  await rename(`${setting}.tmp`, setting);
}
