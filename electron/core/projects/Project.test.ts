import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CodedError } from '../../shared/result';
import { sha256Hex } from './blobStore';
import { exportVersion } from './exportVersion';
import { Project } from './Project';
import { PROJECT_FILE } from './projectFile';
import { ProjectStore } from './ProjectStore';
import { readEmbeddedRecipe } from './recipeEmbed';
import { replayVersion } from './replay';
import { projectFileSchema, projectTreeSchema } from './schemas';
import { fakeEdit, fakeRunner } from './testing/fakeRunner';
import { makeTempDir, sampleRecipe, seededJpeg, seededPng } from './testing/images';
import { bigPngHeader } from './testing/tinyPng';

let dir: string;
const opened: Project[] = [];

beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
  await rm(dir, { recursive: true, force: true });
});

async function newProject(): Promise<Project> {
  const p = await Project.create(join(dir, 'p'), await seededJpeg(1), { sourceName: 'street.jpg' });
  opened.push(p);
  return p;
}

async function open(options: Parameters<typeof Project.open>[1] = {}): Promise<Project> {
  const p = await Project.open(join(dir, 'p'), options);
  opened.push(p);
  return p;
}

/** An edit made the way the app makes one: the (fake) pipeline runs on the parent's image. */
async function edit(p: Project, parentId: string, seed: number, label?: string) {
  const input = await p.readImage(parentId);
  const recipe = { ...sampleRecipe(seed), input: p.getVersion(parentId).image.blob };
  const png = await fakeEdit({ recipe: { ...recipe, options: {}, timings: {} }, input, mask: null });
  return p.addVersion({ parentId, png, recipe, label: label ?? null });
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<CodedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodedError);
  expect((error as CodedError).code).toBe(code);
  return error as CodedError;
}

describe('create', () => {
  it('keeps the import byte for byte as a content-addressed blob with a thumbnail', async () => {
    const jpeg = await seededJpeg(1);
    const p = await newProject();
    const root = p.getVersion(p.head);
    expect(root).toMatchObject({ parentId: null, kind: 'import', recipe: null, sourceName: 'street.jpg' });
    expect(root.image).toEqual({ blob: `${sha256Hex(jpeg)}.jpg`, width: 32, height: 24 });
    expect(await readFile(join(dir, 'p', 'blobs', root.image.blob))).toEqual(jpeg);
    const thumb = await p.readThumbnail(root.id);
    expect((await sharp(thumb!).metadata()).format).toBe('webp');
    expect(p.name).toBe('street');
    const onDisk = projectFileSchema.parse(JSON.parse(await readFile(join(dir, 'p', PROJECT_FILE), 'utf8')));
    expect(onDisk.versions).toHaveLength(1);
  });

  it('refuses a corrupt image with INVALID_IMAGE, a huge one with IMAGE_TOO_LARGE, and creates nothing', async () => {
    const png = await seededPng(2);
    const error = await expectCode(
      Project.create(join(dir, 'bad'), png.subarray(0, png.length - 30), { sourceName: 'cut.png' }),
      'INVALID_IMAGE',
    );
    expect(error.message).toContain('"cut.png"');
    await expectCode(Project.create(join(dir, 'bad'), Buffer.from('not an image at all')), 'INVALID_IMAGE');
    // The same gate as the contract's image:inspect: a huge header is refused before anything is decoded.
    await expectCode(Project.create(join(dir, 'bad'), bigPngHeader(30000, 30000)), 'IMAGE_TOO_LARGE');
    await expect(stat(join(dir, 'bad'))).rejects.toThrow();
  });

  it('refuses to overwrite an existing project', async () => {
    await newProject();
    await expectCode(Project.create(join(dir, 'p'), await seededPng(3)), 'PROJECT_EXISTS');
  });
});

describe('versions', () => {
  it('adds versions as children, moves the head and records the recipe with the parent image as input', async () => {
    const p = await newProject();
    const root = p.head;
    const v1 = await edit(p, root, 10, 'red sign');
    expect(p.head).toBe(v1.id);
    expect(v1).toMatchObject({ parentId: root, kind: 'edit', label: 'red sign' });
    expect(v1.recipe?.input).toBe(p.getVersion(root).image.blob);
    expect(v1.recipe?.seed).toBe(10);
    expect(v1.recipe?.timings).toEqual({ total: 12.5 });

    // Durable: a fresh open sees the same tree.
    const p2 = await open({ readOnly: true });
    expect(p2.versions.map((v) => v.id)).toEqual([root, v1.id]);
    expect(p2.head).toBe(v1.id);
    expect(p2.report).toEqual({ source: 'primary', migratedFrom: null, issues: [] });
  });

  it('branches: editing from an older version creates a sibling, moves the head, and deletes nothing', async () => {
    const p = await newProject();
    const root = p.head;
    const a = await edit(p, root, 1);
    const b = await edit(p, a.id, 2);
    await p.checkout(root); // roll back two steps
    expect(p.head).toBe(root);
    expect(p.versions).toHaveLength(3);
    const c = await edit(p, root, 3); // try again from the original
    expect(p.head).toBe(c.id);
    expect(p.children(root).map((v) => v.id)).toEqual([a.id, c.id]);
    expect(p.lineage(b.id).map((v) => v.id)).toEqual([root, a.id]);
    const blobs = await readdir(join(dir, 'p', 'blobs'));
    for (const v of p.versions) {
      expect(blobs).toContain(v.image.blob);
      expect(sha256Hex(await p.readImage(v.id))).toBe(v.image.blob.slice(0, 64));
    }
    const reopened = await open({ readOnly: true });
    expect(reopened.versions.map((v) => v.id).sort()).toEqual([root, a.id, b.id, c.id].sort());
    expect(reopened.head).toBe(c.id);
  });

  it('lists the tree as plain data that matches the contract schema', async () => {
    const p = await newProject();
    await edit(p, p.head, 1);
    const tree = p.tree();
    expect(projectTreeSchema.parse(JSON.parse(JSON.stringify(tree)))).toEqual(tree);
    expect(tree).toMatchObject({ readOnly: false, readOnlyReason: null, unavailable: [], head: p.head });
  });

  it('labels and clears labels', async () => {
    const p = await newProject();
    const v = await edit(p, p.head, 1);
    await p.setLabel(v.id, '  final  ');
    expect(p.getVersion(v.id).label).toBe('final');
    expect((await open({ readOnly: true })).getVersion(v.id).label).toBe('final');
    await p.setLabel(v.id, '   ');
    expect(p.getVersion(v.id).label).toBeNull();
    await expectCode(p.setLabel('nope', 'x'), 'VERSION_NOT_FOUND');
  });

  it('rejects a result that is not a PNG and an invalid recipe', async () => {
    const p = await newProject();
    await expectCode(
      p.addVersion({ parentId: p.head, png: await seededJpeg(4), recipe: sampleRecipe(4) }),
      'INVALID_IMAGE',
    );
    await expectCode(
      p.addVersion({ parentId: p.head, png: await seededPng(4), recipe: { ...sampleRecipe(4), steps: 0 } }),
      'INVALID_ARGUMENT',
    );
    await expectCode(
      p.addVersion({ parentId: 'missing', png: await seededPng(4), recipe: sampleRecipe(4) }),
      'VERSION_NOT_FOUND',
    );
    expect(p.versions).toHaveLength(1);
  });

  it('stores a region mask as a blob referenced by the recipe', async () => {
    const p = await newProject();
    const mask = await sharp(Buffer.alloc(32 * 24, 255), { raw: { width: 32, height: 24, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const v = await p.addVersion({
      parentId: p.head,
      png: await seededPng(5),
      recipe: { ...sampleRecipe(5), region: { mask: 'f'.repeat(64) + '.png', feather: 4 } },
      regionMaskPng: mask,
    });
    expect(v.recipe?.region).toEqual({ mask: `${sha256Hex(mask)}.png`, feather: 4 });
    expect(await p.readBlob(v.recipe!.region!.mask)).toEqual(mask);
  });
});

describe('delete branch and trash', () => {
  it('moves a branch and its unshared blobs to the trash, moves the head out, and purges only on request', async () => {
    const p = await newProject();
    const root = p.head;
    const keep = await edit(p, root, 1);
    const gone = await edit(p, root, 2);
    const goneChild = await edit(p, gone.id, 3);
    // A version in the branch whose image equals one outside it: that blob must stay.
    const dup = await p.addVersion({
      parentId: gone.id,
      png: await p.readImage(keep.id),
      recipe: sampleRecipe(9),
    });

    const result = await p.deleteBranch(gone.id);
    expect(result.removed.sort()).toEqual([gone.id, goneChild.id, dup.id].sort());
    expect(result.head).toBe(root);
    expect(p.head).toBe(root);
    expect(p.versions.map((v) => v.id)).toEqual([root, keep.id]);
    expect(result.trashedBlobs).toContain(gone.image.blob);
    expect(result.trashedBlobs).not.toContain(keep.image.blob);
    const blobs = await readdir(join(dir, 'p', 'blobs'));
    expect(blobs).not.toContain(gone.image.blob);
    expect(blobs).toContain(keep.image.blob);
    expect(sha256Hex(await p.readImage(keep.id))).toBe(keep.image.blob.slice(0, 64));

    const trashDir = join(dir, 'p', 'trash', result.trashEntry);
    const trashed = JSON.parse(await readFile(join(trashDir, 'versions.json'), 'utf8')) as {
      versions: { id: string }[];
    };
    expect(trashed.versions.map((v) => v.id).sort()).toEqual(result.removed.sort());
    const trashedImage = await readFile(join(trashDir, 'blobs', goneChild.image.blob));
    expect(sha256Hex(trashedImage)).toBe(goneChild.image.blob.slice(0, 64));

    const reopened = await open({ readOnly: true });
    expect(reopened.versions.map((v) => v.id)).toEqual([root, keep.id]);
    expect(reopened.unavailable).toEqual([]);

    expect(await p.listTrash()).toEqual([result.trashEntry]);
    expect(await p.purgeTrash()).toBe(1);
    expect(await p.listTrash()).toEqual([]);
    await expect(stat(trashDir)).rejects.toThrow();
  });

  it('refuses to delete the original', async () => {
    const p = await newProject();
    await expectCode(p.deleteBranch(p.head), 'INVALID_ARGUMENT');
  });
});

describe('diff, export, thumbnails, recipe embedding, replay', () => {
  it('diffs two versions: a mask PNG and the exact fraction of changed pixels', async () => {
    const p = await newProject();
    const a = await p.addVersion({ parentId: p.head, png: await seededPng(7), recipe: sampleRecipe(7) });
    // Change exactly a 4×3 block of a's pixels.
    const { data, info } = await sharp(await p.readImage(a.id))
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (let y = 5; y < 8; y++) {
      for (let x = 10; x < 14; x++) {
        const i = (y * info.width + x) * info.channels;
        data[i] = data[i]! ^ 0x80;
      }
    }
    const edited = await sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
    })
      .png()
      .toBuffer();
    const b = await p.addVersion({ parentId: a.id, png: edited, recipe: sampleRecipe(8) });

    const diff = await p.diff(a.id, b.id);
    expect(diff.changedPixels).toBe(12);
    expect(diff.changedFraction).toBeCloseTo(12 / (32 * 24), 12);
    expect((await sharp(diff.maskPng).metadata()).channels).toBe(1);
    const mask = await sharp(diff.maskPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect(mask.info).toMatchObject({ width: 32, height: 24, channels: 1 });
    expect(mask.data[6 * 32 + 11]).toBe(255);
    expect(mask.data[0]).toBe(0);
    expect(mask.data.reduce((n, v) => n + (v === 255 ? 1 : 0), 0)).toBe(12);
    expect((await p.diff(a.id, a.id)).changedFraction).toBe(0);
    // Above-threshold only: the flipped bit is a 128 step, so a threshold of 200 sees no change.
    expect((await p.diff(a.id, b.id, 200)).changedPixels).toBe(0);
  });

  it('diffs versions of different sizes at the smaller size', async () => {
    const p = await newProject();
    const big = await p.addVersion({
      parentId: p.head,
      png: await seededPng(1, 40, 30),
      recipe: sampleRecipe(1),
    });
    const root = p.versions[0]!;
    const diff = await p.diff(root.id, big.id);
    expect(diff).toMatchObject({ resampled: true, width: root.image.width, height: root.image.height });
    expect(diff.changedFraction).toBeGreaterThan(0);
  });

  it('exports PNG (same pixels, recipe + lineage in iTXt), JPEG and WebP, and writes the file atomically', async () => {
    const p = await newProject();
    const root = p.head;
    const a = await edit(p, root, 11, 'step one');
    const b = await edit(p, a.id, 12);
    const out = join(dir, 'export.png');
    const png = await exportVersion(p, b.id, { format: 'png', path: out });
    expect(await readFile(out)).toEqual(png);
    const pixels = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer()).toString('hex');
    expect(await pixels(png)).toBe(await pixels(await p.readImage(b.id)));

    const embedded = readEmbeddedRecipe(png);
    expect(embedded?.version.id).toBe(b.id);
    expect(embedded?.version.recipe).toEqual(p.getVersion(b.id).recipe);
    expect(embedded?.lineage.map((v) => v.id)).toEqual([root, a.id]);
    expect(embedded?.lineage[1]?.recipe?.seed).toBe(11);
    expect(embedded?.project).toEqual({ id: p.id, name: 'street' });

    const jpeg = await exportVersion(p, b.id, { format: 'jpeg', quality: 80 });
    const webp = await exportVersion(p, b.id, { format: 'webp' });
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
    expect((await sharp(webp).metadata()).format).toBe('webp');
    expect(readEmbeddedRecipe(jpeg)).toBeNull();
    // The imported JPEG exports as a PNG too (re-encoded), with an import record.
    const rootPng = await exportVersion(p, root, { format: 'png' });
    expect(readEmbeddedRecipe(rootPng)?.version.kind).toBe('import');
  });

  it('exports for print: a scale, the DPI in the file, an sRGB profile; the plain PNG keeps its pixels', async () => {
    const p = await newProject();
    const v = await edit(p, p.head, 21, 'poster');
    const stored = await sharp(await p.readImage(v.id)).metadata();
    const png = await exportVersion(p, v.id, { format: 'png', layout: { dpi: 300, srgbProfile: true } });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.density]).toEqual([stored.width, stored.height, 300]);
    expect(meta.icc?.subarray(36, 40).toString('latin1')).toBe('acsp');
    const pixels = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer()).toString('hex');
    expect(await pixels(png)).toBe(await pixels(await p.readImage(v.id)));
    expect(readEmbeddedRecipe(png)?.version.id).toBe(v.id);
    const half = await exportVersion(p, v.id, {
      format: 'jpeg',
      quality: 70,
      layout: { scale: 0.5, dpi: 150 },
    });
    const halfMeta = await sharp(half).metadata();
    expect([halfMeta.format, halfMeta.width, halfMeta.height, halfMeta.density]).toEqual([
      'jpeg',
      Math.round(stored.width! / 2),
      Math.round(stored.height! / 2),
      150,
    ]);
    const webp = await sharp(
      await exportVersion(p, v.id, { format: 'webp', layout: { scale: 2 } }),
    ).metadata();
    expect([webp.width, webp.height]).toEqual([stored.width! * 2, stored.height! * 2]);
  });

  it('makes a thumbnail per version, at most 256 px', async () => {
    const p = await newProject();
    const v = await p.addVersion({
      parentId: p.head,
      png: await seededPng(3, 600, 300),
      recipe: sampleRecipe(3),
    });
    const meta = await sharp((await p.readThumbnail(v.id))!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 128]);
  });

  it('replays a recipe: identical for a faithful runner, different for one that ignores the seed', async () => {
    const p = await newProject();
    const v = await edit(p, p.head, 21);
    const same = await replayVersion(p, v.id, fakeRunner);
    expect(same).toMatchObject({
      versionId: v.id,
      identical: true,
      pixelsIdentical: true,
      changedFraction: 0,
    });
    expect(same.actual).toBe(v.image.blob);
    const wrongSeed = await replayVersion(p, v.id, {
      run: (req) => fakeEdit({ ...req, recipe: { ...req.recipe, seed: 22 } }),
    });
    expect(wrongSeed.identical).toBe(false);
    expect(wrongSeed.changedFraction).toBeGreaterThan(0);
    // Same pixels, different encoding: not byte-identical but pixel-identical.
    const reencoded = await replayVersion(p, v.id, {
      run: async (req) =>
        sharp(await fakeEdit(req))
          .png({ compressionLevel: 0 })
          .toBuffer(),
    });
    expect(reencoded).toMatchObject({ identical: false, pixelsIdentical: true });
    await expectCode(replayVersion(p, p.versions[0]!.id, fakeRunner), 'INVALID_ARGUMENT');
  });
});

describe('blob names', () => {
  it('rejects path traversal and anything that is not <sha256>.<ext>', async () => {
    const p = await newProject();
    for (const name of [
      '../project.json',
      '../../etc/passwd',
      `${'a'.repeat(64)}.png/../../x`,
      'a'.repeat(64) + '.exe',
      '',
    ]) {
      await expectCode(p.readBlob(name), 'INVALID_BLOB_NAME');
    }
    await expectCode(p.readBlob('b'.repeat(64) + '.png'), 'BLOB_MISSING');
  });
});

describe('locking', () => {
  it('a second opener gets read-only mode with a message, and writes are refused there', async () => {
    const writer = await newProject();
    const second = await open();
    expect(second.readOnly).toBe(true);
    expect(second.readOnlyReason).toMatch(
      new RegExp(`open in another instance \\(process ${process.pid} on `),
    );
    expect(second.tree().readOnly).toBe(true);
    await expectCode(second.setLabel(second.head, 'x'), 'PROJECT_READ_ONLY');
    // The reader follows the writer's edits on reload.
    const v = await edit(writer, writer.head, 1);
    await second.reload();
    expect(second.head).toBe(v.id);
    // Once the writer closes, the next opener writes.
    await writer.close();
    const third = await open();
    expect(third.readOnly).toBe(false);
  });

  it('takes over a stale lock whose process is dead', async () => {
    const p = await newProject();
    await p.close();
    // A lock left by a process that no longer exists (pid far above any live one).
    const { hostname } = await import('node:os');
    await writeFile(
      join(dir, 'p', 'project.lock'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        hostname: hostname(),
        createdAt: '2020-01-01T00:00:00Z',
        token: 'dead',
      }),
    );
    const reopened = await open();
    expect(reopened.readOnly).toBe(false);
    const lock = JSON.parse(await readFile(join(dir, 'p', 'project.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
  });

  it('respects a lock from another host', async () => {
    const p = await newProject();
    await p.close();
    await writeFile(
      join(dir, 'p', 'project.lock'),
      JSON.stringify({ pid: 1, hostname: 'some-other-host', createdAt: '2020-01-01T00:00:00Z', token: 't' }),
    );
    const reopened = await open();
    expect(reopened.readOnly).toBe(true);
    expect(reopened.readOnlyReason).toContain('some-other-host');
  });
});

describe('ProjectStore and recent projects', () => {
  it('records created and opened projects newest first, survives a damaged list, and forgets on request', async () => {
    const appData = join(dir, 'appdata');
    const store = new ProjectStore({ appDataDir: appData });
    const one = await store.create(join(dir, 'one'), await seededPng(1), { name: 'One' });
    const two = await store.create(join(dir, 'two'), await seededPng(2), { name: 'Two' });
    opened.push(one, two);
    expect((await store.listRecent()).map((e) => e.name)).toEqual(['Two', 'One']);
    await one.close();
    opened.push(await store.open(join(dir, 'one')));
    expect((await store.listRecent()).map((e) => e.name)).toEqual(['One', 'Two']);
    await store.recent.remove(join(dir, 'two'));
    expect((await store.listRecent()).map((e) => e.path)).toEqual([join(dir, 'one')]);
    await writeFile(join(appData, 'recent-projects.json'), '{"schemaVersion":1,"entr');
    expect(await store.listRecent()).toEqual([]);
    await store.recent.touch(join(dir, 'two'), 'Two');
    expect((await store.listRecent()).map((e) => e.name)).toEqual(['Two']);
    expect((await readdir(appData)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
