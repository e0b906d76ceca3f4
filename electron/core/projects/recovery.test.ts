/**
 * Opening damaged or old projects: hand-corrupted project.json (truncated, wrong types, a cycle, a missing
 * blob, a path in a blob name), the backup generation, the v0 migration.
 */
import { cp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { sha256Hex } from './blobStore';
import { ProjectError } from './errors';
import { exportVersion } from './exportVersion';
import { Project } from './Project';
import { JOURNAL_FILE } from './journal';
import { BACKUP_FILE, PROJECT_FILE } from './projectFile';
import type { ProjectFile } from './schemas';
import { sealDocument } from './sealedJson';
import { makeTempDir, sampleRecipe, seededPng } from './testing/images';

let dir: string;
let projectDir: string;
const opened: Project[] = [];

beforeEach(async () => {
  dir = await makeTempDir();
  projectDir = join(dir, 'p');
});
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Parameters<typeof Project.open>[1] = {}): Promise<Project> {
  const p = await Project.open(projectDir, options);
  opened.push(p);
  return p;
}

/** A closed project with a chain root → v1 → v2 → v3; returns the ids. */
async function chain(): Promise<string[]> {
  const p = await Project.create(projectDir, await seededPng(0));
  const ids = [p.head];
  for (let i = 1; i <= 3; i++) {
    ids.push(
      (await p.addVersion({ parentId: ids.at(-1)!, png: await seededPng(i), recipe: sampleRecipe(i) })).id,
    );
  }
  await p.close();
  return ids;
}

/** The document without its checksum, as a hand edit would start from. */
const readJson = async (name = PROJECT_FILE) => {
  const { checksum: _, ...doc } = JSON.parse(
    await readFile(join(projectDir, name), 'utf8'),
  ) as ProjectFile & {
    checksum: string;
  };
  return doc as ProjectFile;
};
const writeJson = (doc: unknown, name = PROJECT_FILE) =>
  writeFile(join(projectDir, name), JSON.stringify(doc));
/** Leaves project.json as the only record of the project (no backup, no journal): salvage must cope. */
const removeCopies = async () => {
  await unlink(join(projectDir, BACKUP_FILE));
  await unlink(join(projectDir, JOURNAL_FILE));
};

describe('damaged project.json', () => {
  it('truncated, with a backup but no journal (an older app): recovers the save before, and names the lost one', async () => {
    const ids = await chain();
    await unlink(join(projectDir, JOURNAL_FILE));
    const text = await readFile(join(projectDir, PROJECT_FILE), 'utf8');
    await writeFile(join(projectDir, PROJECT_FILE), text.slice(0, Math.floor(text.length * 0.9)));
    const p = await open();
    expect(p.report.source).toBe('backup');
    expect(p.report.issues[0]).toMatch(/project\.json is damaged \(not valid JSON, probably cut short\)/);
    expect(p.report.issues.join(' ')).toMatch(/Recovered save #2 from project\.json\.bak/);
    expect(p.report.issues.join(' ')).toMatch(/save #3 could not be recovered/);
    // The backup is the save before the last: everything but v3, whose image is still on disk.
    expect(p.versions.map((v) => v.id)).toEqual(ids.slice(0, 3));
    expect(p.report.issues.join(' ')).toMatch(
      /1 image file\(s\) in blobs\/ belong to versions that could not be recovered/,
    );
    for (const v of p.versions) expect(sha256Hex(await p.readImage(v.id))).toBe(v.image.blob.slice(0, 64));
    const names = await readdir(projectDir);
    expect(names.some((n) => n.startsWith('project.json.damaged-'))).toBe(true);
    await p.close();
    const again = await open();
    expect(again.report).toEqual({ source: 'primary', migratedFrom: null, issues: [] });
    expect(again.versions.map((v) => v.id)).toEqual(ids.slice(0, 3));
  });

  it('truncated, without a backup: salvages the complete version records before the cut', async () => {
    const ids = await chain();
    await removeCopies();
    const text = await readFile(join(projectDir, PROJECT_FILE), 'utf8');
    // Cut in the middle of the last version record.
    const lastRecord = text.lastIndexOf(`{"id":"${ids[3]}"`);
    await writeFile(join(projectDir, PROJECT_FILE), text.slice(0, lastRecord + 40));
    const p = await open({ readOnly: true });
    expect(p.report.source).toBe('salvaged');
    expect(p.versions.map((v) => v.id)).toEqual(ids.slice(0, 3));
    expect(p.head).toBe(ids[2]); // the head (v3) was lost: the latest surviving version
    expect(p.report.issues.join(' ')).toMatch(/does not exist; switched to the latest/);
  });

  it('a hand-edited, pretty-printed file cut short: salvages its complete records too', async () => {
    const ids = await chain();
    await removeCopies();
    const pretty = JSON.stringify(await readJson(), null, 2);
    await writeFile(
      join(projectDir, PROJECT_FILE),
      pretty.slice(0, pretty.lastIndexOf(`"id": "${ids[3]}"`) + 10),
    );
    const p = await open({ readOnly: true });
    expect(p.report.source).toBe('salvaged');
    expect(p.versions.map((v) => v.id)).toEqual(ids.slice(0, 3));
    expect(p.name).toBe((await Project.open(projectDir, { readOnly: true })).name);
  });

  it('wrong types: drops only the unreadable record, re-roots its child, and says so', async () => {
    const ids = await chain();
    await removeCopies();
    const doc = await readJson();
    (doc.versions[1]!.recipe as unknown as Record<string, unknown>).seed = 'forty-two';
    (doc as unknown as Record<string, unknown>).generation = 'x';
    await writeJson(doc);
    const p = await open();
    expect(p.report.source).toBe('salvaged');
    expect(p.report.issues[0]).toMatch(/project\.json is damaged \(wrong content at /);
    expect(p.report.issues.join(' ')).toMatch(/1 unreadable version record/);
    expect(p.report.issues.join(' ')).toMatch(
      new RegExp(`Version ${ids[2]} refers to a missing parent ${ids[1]}`),
    );
    expect(p.versions.map((v) => v.id)).toEqual([ids[0], ids[2], ids[3]]);
    expect(p.getVersion(ids[2]!).parentId).toBeNull();
    expect(p.head).toBe(ids[3]);
    // Written back as a valid file: the next open is clean.
    await p.close();
    expect((await open()).report.issues).toEqual([]);
  });

  it('wrong types with a backup and the journal: recovers the last save from both', async () => {
    const ids = await chain();
    const doc = await readJson();
    (doc as unknown as Record<string, unknown>).versions = 'oops';
    await writeJson(doc);
    const p = await open({ readOnly: true });
    expect(p.report.source).toBe('journal');
    expect(p.report.issues[1]).toBe('Recovered save #3 from project.json.bak and project.json.journal.');
    expect(p.versions.map((v) => v.id)).toEqual(ids);
    expect(p.head).toBe(ids[3]);
  });

  it('a cycle in parents: breaks it at its oldest member and keeps every version', async () => {
    const ids = await chain();
    await removeCopies();
    const doc = await readJson();
    // v1's parent becomes v3: v1 → v3 → v2 → v1 is a loop cut off from the root.
    doc.versions[1]!.parentId = ids[3]!;
    await writeJson(doc);
    const p = await open({ readOnly: true });
    expect(p.report.source).toBe('salvaged');
    expect(p.report.issues.join(' ')).toMatch(/form a loop of parents; .* is kept as a root/);
    expect(p.versions.map((v) => v.id).sort()).toEqual([...ids].sort());
    expect(p.getVersion(ids[1]!).parentId).toBeNull(); // v1 is the oldest in the loop
    expect(p.lineage(ids[3]!).map((v) => v.id)).toEqual([ids[1], ids[2]]);
  });

  it('a missing blob: opens, marks that version unavailable with a message, everything else works', async () => {
    const ids = await chain();
    const p0 = await open({ readOnly: true });
    const lost = p0.getVersion(ids[2]!).image.blob;
    await unlink(join(projectDir, 'blobs', lost));
    const p = await open();
    expect(p.report.source).toBe('primary');
    expect(p.unavailable).toEqual([ids[2]]);
    expect(p.tree().unavailable).toEqual([ids[2]]);
    expect(p.report.issues).toEqual([`The image of version ${ids[2]} is missing (${lost}).`]);
    await expect(p.readImage(ids[2]!)).rejects.toMatchObject({ code: 'BLOB_MISSING' });
    expect((await exportVersion(p, ids[3]!, { format: 'png' })).length).toBeGreaterThan(0);
    await p.addVersion({ parentId: ids[3]!, png: await seededPng(9), recipe: sampleRecipe(9) });
  });

  it('a damaged blob: found on open by hash verification', async () => {
    const ids = await chain();
    const p0 = await open({ readOnly: true });
    const blob = p0.getVersion(ids[1]!).image.blob;
    await writeFile(join(projectDir, 'blobs', blob), 'tampered');
    expect((await open({ readOnly: true, verifyBlobs: 'exists' })).unavailable).toEqual([]);
    const p = await open({ readOnly: true });
    expect(p.unavailable).toEqual([ids[1]]);
    expect(p.report.issues[0]).toMatch(/is damaged/);
    await expect(p.readImage(ids[1]!)).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
  });

  it('a path in a blob name is rejected: that record is dropped, no file outside the project is read', async () => {
    const ids = await chain();
    await removeCopies();
    const doc = await readJson();
    doc.versions[3]!.image.blob = '../../../../etc/passwd';
    await writeJson(doc);
    const p = await open({ readOnly: true });
    expect(p.versions.map((v) => v.id)).toEqual(ids.slice(0, 3));
    expect(p.report.issues[0]).toMatch(/not a blob name/);
  });

  it('nothing readable and no backup: PROJECT_CORRUPT with a clear message', async () => {
    await chain();
    await removeCopies();
    await writeFile(join(projectDir, PROJECT_FILE), '\u0000\u0000garbage');
    const error = await Project.open(projectDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectError);
    expect(error).toMatchObject({ code: 'PROJECT_CORRUPT' });
    expect((error as Error).message).toMatch(/project\.json is damaged .* no backup copy is readable/);
    // A failed open leaves no lock behind.
    await expect(readFile(join(projectDir, 'project.lock'))).rejects.toThrow();
  });

  it('an empty project.json (zero bytes) with a backup and the journal opens at its last save', async () => {
    const ids = await chain();
    await writeFile(join(projectDir, PROJECT_FILE), '');
    const p = await open({ readOnly: true });
    expect(p.report.issues[0]).toMatch(/empty file/);
    expect(p.versions.map((v) => v.id)).toEqual(ids);
  });

  it('a folder without project.json is PROJECT_NOT_FOUND', async () => {
    await expect(Project.open(join(dir, 'nothing'))).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    await cp(join(import.meta.dirname, 'fixtures', 'v0-project', 'blobs'), join(dir, 'only-blobs'), {
      recursive: true,
    });
    await expect(Project.open(join(dir, 'only-blobs'))).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });

  it('a project from a newer app is PROJECT_TOO_NEW', async () => {
    await chain();
    const doc = await readJson();
    await writeFile(join(projectDir, PROJECT_FILE), sealDocument({ ...doc, schemaVersion: 99 }));
    await expect(Project.open(projectDir, { readOnly: true })).rejects.toMatchObject({
      code: 'PROJECT_TOO_NEW',
    });
  });
});

describe('migration', () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'v0-project');

  it('opens the v0 fixture read-only without writing to it', async () => {
    const before = await readdir(fixture);
    const p = await Project.open(fixture, { readOnly: true });
    opened.push(p);
    expect(p.report.migratedFrom).toBe(0);
    expect(p.versions.map((v) => v.id)).toEqual(['n1', 'n2', 'n3']);
    expect(await readdir(fixture)).toEqual(before);
  });

  it('upgrades a v0 project: same tree, recipes in the new layout, original kept, blobs intact', async () => {
    await cp(fixture, projectDir, { recursive: true });
    const p = await open();
    expect(p.report).toMatchObject({ source: 'primary', migratedFrom: 0, issues: [] });
    expect(p.name).toBe('Shop front');
    expect(p.head).toBe('n3');
    expect(p.children('n1').map((v) => v.id)).toEqual(['n2', 'n3']);
    const n1 = p.getVersion('n1');
    expect(n1).toMatchObject({
      kind: 'import',
      sourceName: 'shop.png',
      recipe: null,
      createdAt: '2023-11-14T22:13:20.000Z',
    });
    expect(p.getVersion('n2')).toMatchObject({
      kind: 'edit',
      label: 'red door',
      recipe: {
        model: { id: 'qwen-image-edit', files: {} },
        input: n1.image.blob,
        prompt: 'paint the door red',
        negativePrompt: 'blurry',
        seed: 42,
        cfg: 4.5,
        steps: 20,
        sizes: { input: { width: 8, height: 6 }, output: { width: 8, height: 6 } },
        region: null,
      },
    });
    for (const v of p.versions) expect(sha256Hex(await p.readImage(v.id))).toBe(v.image.blob.slice(0, 64));
    // Saved in the current format, with the v0 file kept alongside.
    const saved = await readJson();
    expect(saved.schemaVersion).toBe(1);
    expect(JSON.parse(await readFile(join(projectDir, 'project.v0.json'), 'utf8'))).toMatchObject({
      version: 0,
    });
    // v0 had no thumbnails: the writer makes and records one on first request.
    expect(n1.thumbnail).toBeNull();
    const thumb = await p.readThumbnail('n1');
    expect(thumb.subarray(8, 12).toString('latin1')).toBe('WEBP');
    await p.close();
    const again = await open();
    expect(again.report).toEqual({ source: 'primary', migratedFrom: null, issues: [] });
    expect(again.id).toBe(p.id);
    expect(await again.readBlob(again.getVersion('n1').thumbnail!)).toEqual(thumb);
    expect(again.blobPath(n1.image.blob)).toBe(join(projectDir, 'blobs', n1.image.blob));
    expect(() => again.blobPath('../project.json')).toThrow(
      expect.objectContaining({ code: 'INVALID_BLOB_NAME' }),
    );
  });
});
