/**
 * The record beside a partial download (`<file>.part.json`): the chunk size it was split with and, per chunk,
 * how many bytes from the chunk's start are written and synced to `<file>.part`, plus the sha256 of a chunk
 * once complete (what was received, so a later mismatch of the whole file can tell a damaged chunk on disk
 * from bytes the server sent wrong). Written atomically after the data it describes is synced, so it never
 * claims bytes that a crash could lose.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';

export type PartState = {
  digest: string;
  size: number;
  chunkSize: number;
  written: number[];
  chunkSha256: (string | null)[];
};

export const partPath = (dest: string) => `${dest}.part`;
export const statePath = (dest: string) => `${dest}.part.json`;

export function freshState(digest: string, size: number, chunkSize: number): PartState {
  const chunks = Math.max(1, Math.ceil(size / chunkSize));
  return { digest, size, chunkSize, written: Array(chunks).fill(0), chunkSha256: Array(chunks).fill(null) };
}

/** The saved state if it describes this same file; otherwise undefined (the partial is then discarded). */
export async function readPartState(
  dest: string,
  digest: string,
  size: number,
): Promise<PartState | undefined> {
  try {
    const state = JSON.parse(await readFile(statePath(dest), 'utf8')) as PartState;
    const ok =
      state.digest === digest &&
      state.size === size &&
      Array.isArray(state.written) &&
      state.written.length === Math.max(1, Math.ceil(size / state.chunkSize));
    return ok ? state : undefined;
  } catch {
    return undefined;
  }
}

export async function writePartState(dest: string, state: PartState): Promise<void> {
  const tmp = `${statePath(dest)}.tmp`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, statePath(dest));
}

export const chunkStart = (state: PartState, i: number) => i * state.chunkSize;
export const chunkLength = (state: PartState, i: number) =>
  Math.min(state.chunkSize, state.size - i * state.chunkSize);
export const keptBytes = (state: PartState) => state.written.reduce((a, b) => a + b, 0);
