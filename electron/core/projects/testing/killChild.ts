/**
 * Child process for the kill tests: opens the project given on the command line and edits it without
 * pause, printing a line after each operation has completed (resolved = durable):
 *   ready <versions>          opened as the writer
 *   saved <versionId> <blob>  a version was added
 *   deleting <id> <id>...     a branch delete is about to start (those versions may vanish)
 *   deleted <id>              ...and it completed
 * The parent SIGKILLs it at a random moment and checks the project. Pipes to the parent are synchronous
 * on Linux, so a printed line is never ahead of the disk.
 */
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';

import { Project } from '../Project';
import { PROJECT_FILE } from '../projectFile';
import { nodeProjectFs } from '../projectFs';
import type { ProjectFs } from '../projectFs';
import type { RecipeInput } from '../schemas';
import { tinyPng as pngFor } from './tinyPng';

const [dir, seedArg, thumbnailPath] = process.argv.slice(2);
if (!dir || !thumbnailPath) throw new Error('usage: killChild <projectDir> <seed> <thumbnail.webp>');
let seed = Number(seedArg ?? 1) >>> 0 || 1;
/** xorshift32: the child's choices differ per trial but need no crypto. */
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};

const recipe = (n: number): Omit<RecipeInput, 'input'> => ({
  model: { id: 'kill-test', files: {} },
  prompt: `edit ${n}`,
  negativePrompt: '',
  seed: n,
  cfg: 4,
  steps: 4,
  sizes: { input: { width: 16, height: 16 }, output: { width: 16, height: 16 } },
  region: null,
});

/**
 * KILL_CHILD_UNSAFE=1 swaps the atomic rename of project.json for an in-place rewrite in small chunks,
 * the classic unsafe save: it exists only to show that the parent's check catches torn files.
 */
const unsafeFs: ProjectFs = {
  ...nodeProjectFs,
  async rename(from, to) {
    if (!to.endsWith(PROJECT_FILE)) return nodeProjectFs.rename(from, to);
    const data = await readFile(from);
    const handle = await open(to, 'w');
    for (let i = 0; i < data.length; i += 512) {
      await handle.write(data.subarray(i, i + 512));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await handle.close();
    await unlink(from);
  },
};

const project = await Project.open(dir, {
  fs: process.env.KILL_CHILD_UNSAFE === '1' ? unsafeFs : nodeProjectFs,
});
if (project.readOnly) {
  console.log(`readonly ${project.readOnlyReason}`);
  process.exit(3);
}
console.log(`ready ${project.versions.length}`);
// Thumbnail encoding is not under test and would load sharp: every version reuses one made by the parent.
const thumbnail = readFileSync(thumbnailPath);
let n = Math.floor(random() * 1e9);
for (;;) {
  const r = random();
  const versions = project.versions;
  const pick = versions[Math.floor(random() * versions.length)]!;
  if (r < 0.8 || versions.length < 4) {
    const v = await project.addVersion({
      parentId: pick.id,
      png: pngFor(n++),
      recipe: recipe(n),
      thumbnailWebp: thumbnail,
    });
    console.log(`saved ${v.id} ${v.image.blob}`);
  } else if (r < 0.88) {
    await project.setLabel(pick.id, `label ${n++}`);
  } else if (r < 0.96) {
    await project.checkout(pick.id);
  } else if (pick.parentId !== null && project.children(pick.id).length === 0) {
    console.log(`deleting ${pick.id}`);
    await project.deleteBranch(pick.id);
    console.log(`deleted ${pick.id}`);
  }
}
