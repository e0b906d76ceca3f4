/**
 * Test helper: a scratch copy of the cached tiny checkpoint in which one folder may be damaged. Folders
 * left intact are symlinked, so a copy costs only the folder being changed.
 */
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyCheckpoint } from '../ensure';

const made: string[] = [];

/** Deletes every scratch copy made so far (call in afterAll). */
export async function removeScratchCheckpoints(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function scratchCheckpoint(mutable: readonly string[] = []): Promise<string> {
  const source = await ensureTinyCheckpoint(0);
  const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
  made.push(dir);
  const root = join(dir, 'Qwen-Image-Edit');
  await mkdir(root);
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const from = join(source, entry.name);
    if (entry.isDirectory() && !mutable.includes(entry.name)) await symlink(from, join(root, entry.name));
    else await cp(from, join(root, entry.name), { recursive: true });
  }
  return root;
}

/** A copy laid out like a Hugging Face cache snapshot: real folders whose files are all symlinks. */
export async function symlinkedCheckpoint(): Promise<string> {
  const source = await ensureTinyCheckpoint(0);
  const dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
  made.push(dir);
  const walk = async (from: string, to: string) => {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(join(from, entry.name), join(to, entry.name));
      else await symlink(join(from, entry.name), join(to, entry.name));
    }
  };
  await walk(source, dir);
  return dir;
}
