/** Checks that an input the user named is a readable file, before any model is loaded. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { FileError } from './file-error';

export async function checkInputFile(path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    await access(path, constants.R_OK);
  } catch (error) {
    throw new FileError('read', path, error);
  }
}
