import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatch } from '../../shared/dispatcher';
import { PickedPaths } from './pickedPaths';
import { createShellHandlers } from './shellHandlers';

const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('shell requests', () => {
  let dir: string;
  let picked: PickedPaths;
  let states: unknown[];
  let dispatch: Dispatch;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qe-shell-'));
    picked = new PickedPaths();
    states = [];
    dispatch = createDispatcher(createShellHandlers({ picked, setMenuState: (s) => states.push(s) }));
  });

  it('passes the page’s menu state on to the menus', async () => {
    await expect(dispatch('shell:menuState', { state: { hasImage: true } })).resolves.toEqual({
      ok: true,
      value: {},
    });
    expect(states).toEqual([{ hasImage: true }]);
  });

  it('reads a picked image, or one inside a picked folder, and nothing else', async () => {
    const image = join(dir, 'cat.png');
    const inside = join(dir, 'project', 'versions', 'a.png');
    const other = join(dir, 'other.png');
    await mkdir(join(dir, 'project', 'versions'), { recursive: true });
    await Promise.all([image, inside, other].map((p) => writeFile(p, PNG_HEAD)));
    await writeFile(join(dir, 'project', 'notes.txt'), 'secret');
    picked.pickFile(image);
    picked.pickFolder(join(dir, 'project'));

    const read = await dispatch('shell:readPicked', { path: image });
    expect(read).toEqual({ ok: true, value: { name: 'cat.png', bytes: PNG_HEAD } });
    expect((await dispatch('shell:readPicked', { path: inside })).ok).toBe(true);
    for (const path of [
      other,
      join(dir, 'project', 'notes.txt'),
      'cat.png',
      join(dir, 'project', '..', 'other.png'),
    ])
      expect(await dispatch('shell:readPicked', { path })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND', message: expect.stringMatching(/not an image opened in this window/) },
      });
  });

  it('says clearly when a picked image has gone', async () => {
    const gone = join(dir, 'gone.png');
    picked.pickFile(gone);
    expect(await dispatch('shell:readPicked', { path: gone })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'gone.png is no longer there' },
    });
  });

  it('writes an export once to the path a save dialog picked, and refuses any other path', async () => {
    const target = join(dir, 'out.png');
    await writeFile(target, 'the old file');
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(await dispatch('shell:writeExport', { path: target, bytes })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await readFile(target, 'utf8')).toBe('the old file');

    picked.pickSaveTarget(target);
    expect(await dispatch('shell:writeExport', { path: target, bytes })).toEqual({
      ok: true,
      value: { path: target },
    });
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
    // One pick, one write: the page cannot keep overwriting the file.
    expect(await dispatch('shell:writeExport', { path: target, bytes: new Uint8Array([9]) })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
    // A picked image is no save target.
    picked.pickFile(join(dir, 'in.png'));
    expect((await dispatch('shell:writeExport', { path: join(dir, 'in.png'), bytes })).ok).toBe(false);
  });

  it('leaves what was there and keeps the pick when the write fails, so the next try can write', async () => {
    // A folder where the file should go: the rename onto it fails (as root too, unlike a permission).
    const target = join(dir, 'out.png');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'kept');
    picked.pickSaveTarget(target);
    expect(await dispatch('shell:writeExport', { path: target, bytes: PNG_HEAD })).toMatchObject({
      ok: false,
      error: { code: 'IO_ERROR', message: expect.stringMatching(/out\.png/) },
    });
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('kept');
    // No temp file left beside it.
    expect(await readdir(dir)).toEqual(['out.png']);
    await rm(target, { recursive: true });
    expect((await dispatch('shell:writeExport', { path: target, bytes: PNG_HEAD })).ok).toBe(true);
    expect(new Uint8Array(await readFile(target))).toEqual(PNG_HEAD);
  });
});
