/**
 * The corruption suite: 41 ways to damage a project after its last save was acknowledged (project.json, its
 * backup, its journal, its blobs). For each, opening it as the app does must give back every version, label
 * and the head as acknowledged, or name in its report exactly what is missing: a lost version by its id or
 * its image file, a lost label or head by the save that made it, an unreadable image by its version.
 */
import { cp, mkdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JOURNAL_FILE } from './journal';
import { Project } from './Project';
import { BACKUP_FILE, PROJECT_FILE } from './projectFile';
import type { ProjectFile } from './schemas';
import { sealDocument } from './sealedJson';
import { makeTempDir, sampleRecipe, seededPng } from './testing/images';

type Acked = {
  /** Version id → its parent and label, as acknowledged. */
  versions: Map<string, { parentId: string | null; label: string | null; blob: string }>;
  head: string;
  /** The save (generation) that set each version's current label, and the head. */
  labelSave: Map<string, number>;
  headSave: number;
  names: Record<'root' | 'v1' | 'v2' | 'v3' | 'v4', string>;
};

let root: string;
let template: string;
let acked: Acked;
let previousSaves: string[];

/**
 * root → v1 "first" → v2 "best" → v4 "newest"; v1 → v3 "branch"; a v5 under v4 added then deleted.
 * The last save is a label change: the one a backup one save behind would drop.
 */
beforeAll(async () => {
  root = await makeTempDir();
  template = join(root, 'template');
  const p = await Project.create(template, await seededPng(0));
  previousSaves = [];
  const snapshot = async () => previousSaves.push(await readFile(join(template, PROJECT_FILE), 'utf8'));
  const add = async (parentId: string, seed: number) =>
    (await p.addVersion({ parentId, png: await seededPng(seed), recipe: sampleRecipe(seed) })).id;
  const rootId = p.head;
  const v1 = await add(rootId, 1); // save 1
  await p.setLabel(v1, 'first'); // 2
  const v2 = await add(v1, 2); // 3
  const v3 = await add(v1, 3); // 4
  await p.setLabel(v3, 'branch'); // 5
  await p.checkout(v2); // 6
  await p.setLabel(v2, 'best'); // 7
  const v4 = await add(v2, 4); // 8
  const v5 = await add(v4, 5); // 9
  await snapshot();
  await p.deleteBranch(v5); // 10: head back to v4
  await snapshot();
  await p.setLabel(v4, 'newest'); // 11
  const versions = new Map(
    p.versions.map((v) => [v.id, { parentId: v.parentId, label: v.label, blob: v.image.blob }]),
  );
  acked = {
    versions,
    head: p.head,
    labelSave: new Map([
      [v1, 2],
      [v3, 5],
      [v2, 7],
      [v4, 11],
    ]),
    headSave: 10,
    names: { root: rootId, v1, v2, v3, v4 },
  };
  await p.close();
  expect((JSON.parse(await readFile(join(template, PROJECT_FILE), 'utf8')) as ProjectFile).generation).toBe(
    11,
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

type Ctx = { dir: string; at: (name: string) => string; blobOf: (v: keyof Acked['names']) => string };
type Outcome =
  /** Everything acknowledged is back and usable. */
  | { full: true }
  /** Exactly these differences, each named in the report ("label:v4", "unavailable:v2", "missing:v4"). */
  | { lost: string[] }
  | { error: string };

const text = async (c: Ctx, name = PROJECT_FILE) => readFile(c.at(name), 'utf8');
const parsed = async (c: Ctx) => {
  const { checksum: _, ...doc } = JSON.parse(await text(c)) as ProjectFile & { checksum: string };
  return doc as ProjectFile;
};
const resealed = async (c: Ctx, edit: (doc: ProjectFile) => unknown) => {
  const doc = await parsed(c);
  await writeFile(c.at(PROJECT_FILE), sealDocument((edit(doc) as object | undefined) ?? doc));
};
const cut = async (c: Ctx, name: string, keep: (length: number) => number) =>
  truncate(c.at(name), keep((await readFile(c.at(name))).length));
const zeroFill = async (c: Ctx, name: string) =>
  writeFile(c.at(name), Buffer.alloc((await readFile(c.at(name))).length));
const flipAt = async (c: Ctx, name: string, where: (bytes: Buffer) => number) => {
  const bytes = await readFile(c.at(name));
  bytes[where(bytes)]! ^= 0x04;
  await writeFile(c.at(name), bytes);
};
const folderInstead = async (c: Ctx, name: string) => {
  await rm(c.at(name), { recursive: true, force: true });
  await mkdir(join(c.at(name), 'inside'), { recursive: true });
};
const blobPath = (c: Ctx, v: keyof Acked['names']) => join('blobs', c.blobOf(v));

const cases: Array<[string, (c: Ctx) => Promise<unknown>, Outcome]> = [
  // project.json alone
  ['project.json cut to zero bytes', (c) => truncate(c.at(PROJECT_FILE), 0), { full: true }],
  ['project.json cut in half', (c) => cut(c, PROJECT_FILE, (n) => n >> 1), { full: true }],
  ['project.json missing its last byte', (c) => cut(c, PROJECT_FILE, (n) => n - 2), { full: true }],
  ['project.json cut inside the newest record', (c) => cut(c, PROJECT_FILE, (n) => n - 200), { full: true }],
  ['project.json zero-filled', (c) => zeroFill(c, PROJECT_FILE), { full: true }],
  [
    'project.json with 64 zero bytes in the middle',
    async (c) => {
      const bytes = await readFile(c.at(PROJECT_FILE));
      bytes.fill(0, bytes.length >> 1, (bytes.length >> 1) + 64);
      await writeFile(c.at(PROJECT_FILE), bytes);
    },
    { full: true },
  ],
  [
    'project.json with a byte flipped in the middle',
    (c) => flipAt(c, PROJECT_FILE, (b) => b.length >> 1),
    { full: true },
  ],
  [
    'a flipped byte that still parses: label "newest" read as "nawest"',
    (c) => flipAt(c, PROJECT_FILE, (b) => b.indexOf('"newest"') + 2),
    { full: true },
  ],
  [
    'a flipped byte in the head id',
    (c) => flipAt(c, PROJECT_FILE, (b) => b.indexOf('"head":"') + 10),
    { full: true },
  ],
  [
    'a flipped byte in the generation',
    (c) => flipAt(c, PROJECT_FILE, (b) => b.indexOf('"generation":') + 13),
    { full: true },
  ],
  ['project.json replaced by text', (c) => writeFile(c.at(PROJECT_FILE), 'not a project'), { full: true }],
  [
    'a cycle of parents (checksum valid)',
    (c) =>
      resealed(c, (d) => {
        d.versions.find((v) => v.id === acked.names.v1)!.parentId = acked.names.v4;
      }),
    { full: true },
  ],
  [
    'a head naming no version (checksum valid)',
    (c) => resealed(c, (d) => ({ ...d, head: 'nope' })),
    { full: true },
  ],
  [
    'no head field (checksum valid)',
    (c) =>
      resealed(c, (d) => {
        const { head: _, ...rest } = d;
        return rest;
      }),
    { full: true },
  ],
  [
    'an empty versions list (checksum valid)',
    (c) => resealed(c, (d) => ({ ...d, versions: [] })),
    { full: true },
  ],
  [
    'a version listed twice (checksum valid)',
    (c) => resealed(c, (d) => ({ ...d, versions: [...d.versions, d.versions[1]] })),
    { full: true },
  ],
  [
    'a blob name that is a path (checksum valid)',
    (c) =>
      resealed(c, (d) => {
        d.versions.at(-1)!.image.blob = '../../etc/passwd';
      }),
    { full: true },
  ],
  [
    'a schema version of the wrong type (checksum valid)',
    (c) => resealed(c, (d) => ({ ...d, schemaVersion: '1' })),
    { full: true },
  ],
  ['project.json deleted', (c) => unlink(c.at(PROJECT_FILE)), { full: true }],
  ['project.json is a folder', (c) => folderInstead(c, PROJECT_FILE), { full: true }],
  [
    'project.json rolled back one save (an intact older copy)',
    (c) => writeFile(c.at(PROJECT_FILE), previousSaves[1]!),
    { full: true },
  ],
  [
    'project.json rolled back two saves',
    (c) => writeFile(c.at(PROJECT_FILE), previousSaves[0]!),
    { full: true },
  ],
  [
    'leftover temp files full of garbage',
    async (c) => {
      await writeFile(c.at(`${PROJECT_FILE}.tmp-1-abc`), '{"generation":99,');
      await writeFile(c.at(`${JOURNAL_FILE}.tmp-1-abc`), 'x');
    },
    { full: true },
  ],
  // the other copies, alone or together with project.json
  ['the backup cut short', (c) => cut(c, BACKUP_FILE, (n) => n >> 1), { full: true }],
  ['the journal torn in its last line', (c) => cut(c, JOURNAL_FILE, (n) => n - 30), { full: true }],
  ['the journal deleted', (c) => unlink(c.at(JOURNAL_FILE)), { full: true }],
  ['the journal is a folder', (c) => folderInstead(c, JOURNAL_FILE), { full: true }],
  [
    'project.json zero-filled and the backup deleted',
    async (c) => {
      await zeroFill(c, PROJECT_FILE);
      await unlink(c.at(BACKUP_FILE));
    },
    { full: true },
  ],
  [
    'project.json and the backup both zero-filled',
    async (c) => {
      await zeroFill(c, PROJECT_FILE);
      await zeroFill(c, BACKUP_FILE);
    },
    { full: true },
  ],
  [
    'project.json cut short and the journal deleted: the last save is lost, and said',
    async (c) => {
      await cut(c, PROJECT_FILE, (n) => n >> 1);
      await unlink(c.at(JOURNAL_FILE));
    },
    { lost: ['label:v4'] },
  ],
  [
    'project.json cut short and the journal flipped in its last line',
    async (c) => {
      await cut(c, PROJECT_FILE, (n) => n >> 1);
      await flipAt(c, JOURNAL_FILE, (b) => b.length - 40);
    },
    { lost: ['label:v4'] },
  ],
  [
    'project.json cut short and the journal a folder',
    async (c) => {
      await cut(c, PROJECT_FILE, (n) => n >> 1);
      await folderInstead(c, JOURNAL_FILE);
    },
    { lost: ['label:v4'] },
  ],
  [
    'every copy zero-filled',
    async (c) => {
      for (const name of [PROJECT_FILE, BACKUP_FILE, JOURNAL_FILE]) await zeroFill(c, name);
    },
    { error: 'PROJECT_CORRUPT' },
  ],
  // blobs
  ['an image deleted', (c) => unlink(c.at(blobPath(c, 'v2'))), { lost: ['unavailable:v2'] }],
  ['an image cut in half', (c) => cut(c, blobPath(c, 'v2'), (n) => n >> 1), { lost: ['unavailable:v2'] }],
  ['an image zero-filled', (c) => zeroFill(c, blobPath(c, 'v4')), { lost: ['unavailable:v4'] }],
  [
    'an image with one byte flipped',
    (c) => flipAt(c, blobPath(c, 'v1'), (b) => b.length >> 1),
    { lost: ['unavailable:v1'] },
  ],
  ['an image is a folder', (c) => folderInstead(c, blobPath(c, 'v3')), { lost: ['unavailable:v3'] }],
  [
    'the blobs folder deleted',
    (c) => rm(c.at('blobs'), { recursive: true }),
    { lost: ['unavailable:root', 'unavailable:v1', 'unavailable:v2', 'unavailable:v3', 'unavailable:v4'] },
  ],
  [
    'a thumbnail deleted (it is made again)',
    async (c) => {
      const doc = await parsed(c);
      await unlink(c.at(join('blobs', doc.versions.at(-1)!.thumbnail!)));
    },
    { full: true },
  ],
  ['a stray file in blobs/', (c) => writeFile(c.at(join('blobs', 'notes.txt')), 'hi'), { full: true }],
];

/** What differs from the acknowledged state, as "label:v4"-style keys, each checked against the report. */
function differences(p: Project, issues: string): string[] {
  const nameOf = (id: string) => Object.entries(acked.names).find(([, v]) => v === id)?.[0] ?? id;
  const out: string[] = [];
  const savesNamed = [...issues.matchAll(/saves? #(\d+)(?:–#(\d+))?/g)].map((m) => [
    Number(m[1]),
    Number(m[2] ?? m[1]),
  ]);
  const saveNamed = (g: number) => savesNamed.some(([a, b]) => a! <= g && g <= b!);
  for (const [id, want] of acked.versions) {
    const got = p.versions.find((v) => v.id === id);
    if (!got) {
      expect(issues.includes(id) || issues.includes(want.blob), `lost version ${id} is named`).toBe(true);
      out.push(`missing:${nameOf(id)}`);
      continue;
    }
    if (got.label !== want.label) {
      expect(saveNamed(acked.labelSave.get(id)!), `the save that set ${id}'s label is named`).toBe(true);
      out.push(`label:${nameOf(id)}`);
    }
    if (got.parentId !== want.parentId) {
      expect(issues, `the re-rooting of ${id} is named`).toContain(id);
      out.push(`parent:${nameOf(id)}`);
    }
    if (p.unavailable.includes(id)) {
      expect(issues, `the unreadable image of ${id} is named`).toContain(`version ${id}`);
      out.push(`unavailable:${nameOf(id)}`);
    }
  }
  if (p.head !== acked.head) {
    expect(saveNamed(acked.headSave) || /switched to/.test(issues), 'the lost head is named').toBe(true);
    out.push('head');
  }
  return out.sort();
}

describe('corruption suite', () => {
  it('has 30+ cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (_name, damage, outcome) => {
    const dir = join(root, `case-${Math.random().toString(36).slice(2)}`);
    await cp(template, dir, { recursive: true });
    const c: Ctx = {
      dir,
      at: (name) => join(dir, name),
      blobOf: (v) => acked.versions.get(acked.names[v])!.blob,
    };
    await damage(c);
    if ('error' in outcome) {
      await expect(Project.open(dir)).rejects.toMatchObject({ code: outcome.error });
      return;
    }
    const p = await Project.open(dir);
    const state = (q: Project) => ({ head: q.head, versions: q.versions, unavailable: q.unavailable });
    const recovered = state(p);
    try {
      expect(p.readOnly).toBe(false);
      const diff = differences(p, p.report.issues.join('\n'));
      expect(diff).toEqual('full' in outcome ? [] : [...outcome.lost].sort());
      if ('full' in outcome) {
        for (const v of p.versions) expect((await p.readThumbnail(v.id)).length).toBeGreaterThan(0);
      }
    } finally {
      await p.close();
    }
    // The writer saved what it recovered: the next open is clean (bar images that are really gone).
    const again = await Project.open(dir, { readOnly: true });
    expect(again.report.source).toBe('primary');
    expect(again.report.issues.every((i) => /^The image of version/.test(i))).toBe(true);
    expect(state(again)).toEqual('full' in outcome ? { ...recovered, versions: again.versions } : recovered);
    await again.close();
  });
});
