/**
 * Checks on where a command will write, made before any model is loaded: the image format an `--out`
 * name asks for, no silent overwrite, and a folder that exists and takes writes.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FileError } from './file-error';
import { UsageError } from './usage-error';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

const FORMATS: Readonly<Record<string, ImageFormat>> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
};

/** The format an output name's extension asks for; any other extension is refused. */
export function imageFormatOf(path: string, option = 'out'): ImageFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) throw new UsageError(`--${option} must end in .png, .jpg, .jpeg or .webp, got '${path}'`);
  return format;
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    // Absent, or under something that is not a folder: the folder check names which.
    if (['ENOENT', 'ENOTDIR'].includes((error as { code?: string }).code ?? '')) return undefined;
    throw new FileError('read', path, error);
  }
}

/** Refuses a folder that is absent, not a folder, or not writable (read-only file system, permissions). */
async function checkFolderTakesWrites(dir: string, forFile: string): Promise<void> {
  const info = await statOrUndefined(dir);
  if (!info) throw new Error(`cannot write ${forFile}: the folder ${dir} does not exist`);
  if (!info.isDirectory()) throw new Error(`cannot write ${forFile}: ${dir} is not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new FileError('write', forFile, error);
  }
}

/** A file the command may create at `path`: its folder takes writes, and it exists only with `overwrite`. */
export async function checkOutputFile(path: string, overwrite: boolean): Promise<void> {
  const target = resolve(path);
  const existing = await statOrUndefined(target);
  if (existing?.isDirectory()) throw new Error(`cannot write ${target}: it is a folder`);
  if (existing && !overwrite) throw new Error(`${target} exists (pass --overwrite to replace it)`);
  await checkFolderTakesWrites(dirname(target), target);
}

/**
 * A folder the command may fill: it is a writable folder, or it is absent and its nearest existing
 * ancestor is a writable folder (the command creates it once every check has passed).
 */
export async function checkOutputFolder(path: string): Promise<void> {
  const target = resolve(path);
  let dir = target;
  let info = await statOrUndefined(dir);
  while (!info && dirname(dir) !== dir) {
    dir = dirname(dir);
    info = await statOrUndefined(dir);
  }
  if (dir === target && info && !info.isDirectory())
    throw new Error(`cannot write into ${target}: it is not a folder`);
  await checkFolderTakesWrites(dir, target);
}
