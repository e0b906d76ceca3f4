import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeFolder, setActive } from './library';
import { ModelsLocationError, moveModelsRoot } from './models-location';
import { defaultModelsRoot } from './models-root';

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'models-location-'));
});
afterAll(async () => {
  await chmod(join(base, 'locked'), 0o755).catch(() => undefined);
  await rm(base, { recursive: true, force: true });
});

/** A library at the default place of user data folder `userData`: one installed model (active) and a download. */
async function library(userData: string): Promise<string> {
  const root = join(userData, 'models');
  await mkdir(join(root, 'qwen-image-edit-bf16'), { recursive: true });
  await writeFile(join(root, 'qwen-image-edit-bf16', 'model.json'), '{"weights": 1}');
  await mkdir(join(root, '.sources', 'qwen-image-edit'), { recursive: true });
  await writeFile(join(root, '.sources', 'qwen-image-edit', 'a.safetensors'), 'abc');
  await setActive(root, 'qwen-image-edit-bf16').catch(async () => {
    await writeFile(join(root, 'library.json'), JSON.stringify({ active: 'qwen-image-edit-bf16' }));
  });
  return root;
}

describe('the model-folder setting', () => {
  it('moves the library to the chosen folder, which the default root then follows', async () => {
    const userData = join(base, 'user');
    const root = await library(userData);
    const env = { QWEN_EDIT_USER_DATA: userData };
    expect(defaultModelsRoot(env)).toBe(root);
    const chosen = join(base, 'elsewhere', 'models');
    await moveModelsRoot(userData, root, chosen);
    expect(defaultModelsRoot(env)).toBe(chosen);
    expect(await readdir(root)).toEqual([]);
    expect(await readFile(join(chosen, 'qwen-image-edit-bf16', 'model.json'), 'utf8')).toBe('{"weights": 1}');
    expect(await readFile(join(chosen, '.sources', 'qwen-image-edit', 'a.safetensors'), 'utf8')).toBe('abc');
    expect(await activeFolder(chosen)).toBe('qwen-image-edit-bf16');
  });

  it('copies the library to another file system (tmpfs) and removes the original', async () => {
    const userData = join(base, 'across');
    const root = await library(userData);
    const chosen = `/dev/shm/qwen-models-location-${process.pid}`;
    try {
      await moveModelsRoot(userData, root, chosen);
      expect(defaultModelsRoot({ QWEN_EDIT_USER_DATA: userData })).toBe(chosen);
      expect(await readFile(join(chosen, '.sources', 'qwen-image-edit', 'a.safetensors'), 'utf8')).toBe(
        'abc',
      );
      expect(await activeFolder(chosen)).toBe('qwen-image-edit-bf16');
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(chosen, { recursive: true, force: true });
    }
  });

  it('refuses, moving nothing, a relative path, a folder inside the library, one with the same names, an unwritable or a full one', async () => {
    const userData = join(base, 'refusals');
    const root = await library(userData);
    const before = (await readdir(root)).sort();
    const refuse = (to: string, pattern: RegExp, freeBytes?: () => Promise<number>) =>
      expect(moveModelsRoot(userData, root, to, freeBytes ? { freeBytes } : {})).rejects.toThrow(
        expect.objectContaining({ name: ModelsLocationError.name, message: expect.stringMatching(pattern) }),
      );
    await refuse('relative/models', /must be an absolute path/);
    await refuse(join(root, 'sub'), /cannot be inside the current one/);
    const taken = join(base, 'taken');
    await mkdir(join(taken, 'qwen-image-edit-bf16'), { recursive: true });
    await refuse(taken, /already holds qwen-image-edit-bf16; choose an empty folder/);
    const file = join(base, 'a-file');
    await writeFile(file, 'x');
    await refuse(join(file, 'models'), /cannot write there \((ENOTDIR|EEXIST)\)/);
    if (process.getuid?.() !== 0) {
      const locked = join(base, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o555);
      await refuse(join(locked, 'models'), /cannot write there \(EACCES\)/);
    }
    // A full target: the copy between file systems is refused before it starts (the same file system renames).
    await refuse(
      '/dev/shm/qwen-models-location-test',
      /needs 0\.00 GB but only 0\.00 GB is free; nothing was moved/,
      async () => 0,
    );
    await rm('/dev/shm/qwen-models-location-test', { recursive: true, force: true });
    expect((await readdir(root)).sort()).toEqual(before);
    expect(defaultModelsRoot({ QWEN_EDIT_USER_DATA: userData })).toBe(root);
  });
});
