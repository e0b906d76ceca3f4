/** How a downloaded file is checked: its LFS sha256, or for small non-LFS files the git blob id. */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { RemoteFile } from './hub-api';

/** A hasher primed for `file`: sha256 of the bytes, or sha1 of git's "blob <size>\0" header plus the bytes. */
export function fileHasher(file: RemoteFile): Hash {
  if (file.sha256) return createHash('sha256');
  return createHash('sha1').update(`blob ${file.size}\0`);
}

export const expectedDigest = (file: RemoteFile): string => file.sha256 ?? file.gitOid;
