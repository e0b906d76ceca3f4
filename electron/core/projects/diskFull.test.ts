/** A full disk at every point of a save: a clear DISK_FULL error and the previous state intact. */
import { readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeThumbnail } from './imageOps';
import { Project } from './Project';
import { JOURNAL_FILE, readJournal } from './journal';
import { BACKUP_FILE, PROJECT_FILE } from './projectFile';
import { fullDiskFs } from './testing/fullDiskFs';
import { makeTempDir, sampleRecipe, seededPng } from './testing/images';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tempFiles(projectDir: string): Promise<string[]> {
  const names = [...(await readdir(projectDir)), ...(await readdir(join(projectDir, 'blobs')))];
  return names.filter((n) => n.includes('.tmp-'));
}

describe('full disk', () => {
  it('fails each stage of adding a version with DISK_FULL and leaves the project as it was', async () => {
    const fs = fullDiskFs(Infinity);
    const projectDir = join(dir, 'p');
    const p = await Project.create(projectDir, await seededPng(0), { fs });
    const first = await p.addVersion({ parentId: p.head, png: await seededPng(1), recipe: sampleRecipe(1) });
    const before = await readFile(join(projectDir, PROJECT_FILE), 'utf8');
    const png = await seededPng(2);

    // Budgets that run out in the image blob, in the thumbnail, and in project.json
    // (Blobs written by a failed attempt stay, unreferenced and harmless, and are reused by the next one.)
    const thumbnail = await makeThumbnail(png);
    for (const budget of [0, png.length + 10, thumbnail.length + 10]) {
      fs.budget = budget;
      const error = await p
        .addVersion({ parentId: first.id, png, recipe: sampleRecipe(2) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL' });
      expect((error as Error).message).toMatch(
        /The disk is full: could not save .*Nothing was lost; free some space/,
      );
      expect(p.versions.map((v) => v.id)).toEqual([p.versions[0]!.id, first.id]);
      expect(p.head).toBe(first.id);
      expect(await readFile(join(projectDir, PROJECT_FILE), 'utf8')).toBe(before);
      expect(await tempFiles(projectDir)).toEqual([]);
    }
    expect(
      fs.failures.map((f) =>
        f
          .replace(/\.tmp-.*/, '')
          .split('/')
          .pop()!
          .replace(/^[0-9a-f]{64}/, '<sha>'),
      ),
    ).toEqual(['<sha>.png', '<sha>.webp', 'project.json']);

    // A label change on a full disk fails the same way.
    fs.budget = 0;
    await expect(p.setLabel(first.id, 'keep')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(p.getVersion(first.id).label).toBeNull();

    // With space again, the same save succeeds and the project reopens with everything.
    fs.budget = Infinity;
    const added = await p.addVersion({ parentId: first.id, png, recipe: sampleRecipe(2) });
    await p.close();
    const reopened = await Project.open(projectDir, { readOnly: true });
    expect(reopened.report.issues).toEqual([]);
    expect(reopened.versions.map((v) => v.id)).toEqual([reopened.versions[0]!.id, first.id, added.id]);
  });

  it('deleting a branch on a full disk fails cleanly: versions, blobs and trash as before', async () => {
    const fs = fullDiskFs(Infinity);
    const projectDir = join(dir, 'd');
    const p = await Project.create(projectDir, await seededPng(0), { fs });
    const v = await p.addVersion({ parentId: p.head, png: await seededPng(1), recipe: sampleRecipe(1) });
    const blobsBefore = (await readdir(join(projectDir, 'blobs'))).sort();
    // No room for the trash record; then room for it (~1 KB) but not for the new project.json.
    for (const budget of [0, 1500]) {
      fs.budget = budget;
      await expect(p.deleteBranch(v.id)).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(p.versions.map((x) => x.id)).toContain(v.id);
      expect(p.head).toBe(v.id);
      expect((await readdir(join(projectDir, 'blobs'))).sort()).toEqual(blobsBefore);
      expect(await p.listTrash()).toEqual([]);
    }
    expect(
      fs.failures.map((f) =>
        f
          .split('/')
          .pop()!
          .replace(/\.tmp-.*/, ''),
      ),
    ).toEqual(['versions.json', 'project.json']);
    fs.budget = Infinity;
    await p.deleteBranch(v.id);
    expect(await p.listTrash()).toHaveLength(1);
    await p.close();
  });

  it('a journal line that does not fit: the save stands, no torn line is left, the next save restarts it', async () => {
    const fs = fullDiskFs(Infinity);
    const projectDir = join(dir, 'j');
    const p = await Project.create(projectDir, await seededPng(0), { fs });
    const v = await p.addVersion({ parentId: p.head, png: await seededPng(1), recipe: sampleRecipe(1) });
    const journalBefore = await readFile(join(projectDir, JOURNAL_FILE), 'utf8');
    // Room for the new project.json but not for its journal line.
    fs.budget = (await readFile(join(projectDir, PROJECT_FILE))).length + 40;
    await p.setLabel(v.id, 'kept');
    expect(fs.failures.map((f) => f.split('/').pop())).toEqual([JOURNAL_FILE]);
    expect(await readFile(join(projectDir, JOURNAL_FILE), 'utf8')).toBe(journalBefore);
    fs.budget = Infinity;
    await p.setLabel(v.id, 'kept again');
    const journal = await readJournal(fs, projectDir);
    expect([journal.base?.generation, journal.changes.size, journal.damagedLines]).toEqual([3, 0, 0]);
    await p.close();
    // The restarted journal alone brings back the last save.
    await writeFile(join(projectDir, PROJECT_FILE), '');
    await unlink(join(projectDir, BACKUP_FILE));
    const reopened = await Project.open(projectDir, { readOnly: true });
    expect(reopened.getVersion(v.id).label).toBe('kept again');
  });

  it('opening an intact project on a full disk: read-only, nothing written, nothing left behind', async () => {
    const projectDir = join(dir, 'o');
    const p = await Project.create(projectDir, await seededPng(0));
    const v = await p.addVersion({ parentId: p.head, png: await seededPng(1), recipe: sampleRecipe(1) });
    await p.setLabel(v.id, 'last');
    await p.close();
    const before = (await readdir(projectDir)).sort();
    const full = await Project.open(projectDir, { fs: fullDiskFs(0) });
    expect(full.readOnly).toBe(true);
    expect(full.readOnlyReason).toMatch(/The disk is full, so this project is opened read-only/);
    expect(full.report.issues).toEqual([]);
    expect(full.getVersion(v.id).label).toBe('last');
    expect((await full.readImage(v.id)).length).toBeGreaterThan(0);
    expect((await readdir(projectDir)).sort()).toEqual(before);
    await full.close();
    // A damaged project on a full disk: what was recovered is shown read-only, the damage left as it was.
    await writeFile(join(projectDir, PROJECT_FILE), '{"trunc');
    const damaged = await Project.open(projectDir, { fs: fullDiskFs(0) });
    expect(damaged.readOnly).toBe(true);
    expect(damaged.getVersion(v.id).label).toBe('last');
    expect((await readdir(projectDir)).sort()).toEqual(before);
    expect(await readFile(join(projectDir, PROJECT_FILE), 'utf8')).toBe('{"trunc');
    await damaged.close();
  });

  it('creating a project on a full disk is DISK_FULL', async () => {
    const error = await Project.create(join(dir, 'q'), await seededPng(0), { fs: fullDiskFs(100) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'DISK_FULL' });
  });
});
