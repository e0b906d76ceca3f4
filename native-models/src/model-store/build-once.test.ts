import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, COMPLETE_MARKER } from './build-once';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'build-once-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('buildOnce', () => {
  it('builds once, then reuses the complete folder', async () => {
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await writeFile(join(tmp, 'a.txt'), 'A');
    };
    const dir = join(root, 'reuse');
    expect(await buildOnce(dir, { v: 1 }, build)).toBe(dir);
    expect(await buildOnce(dir, { v: 1 }, build)).toBe(dir);
    expect(builds).toBe(1);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('A');
    await buildOnce(dir, { v: 2 }, build);
    expect(builds).toBe(2);
  });

  it('rebuilds a folder left without its completion marker (a crash mid-build)', async () => {
    const dir = join(root, 'crashed');
    await mkdir(dir);
    await writeFile(join(dir, 'half.txt'), 'partial');
    await buildOnce(dir, 'm', (tmp) => writeFile(join(tmp, 'whole.txt'), 'ok'));
    expect((await readdir(dir)).sort()).toEqual([COMPLETE_MARKER, 'whole.txt']);
  });

  it('leaves neither the folder nor a temporary one when the build fails', async () => {
    const dir = join(root, 'failed');
    await expect(
      buildOnce(dir, 'm', async (tmp) => {
        await writeFile(join(tmp, 'x'), 'x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await readdir(root)).filter((n) => n.includes('failed'))).toEqual([]);
  });

  it('lets concurrent builders race to one complete folder', async () => {
    const dir = join(root, 'race');
    const results = await Promise.all(
      [1, 2, 3].map((i) => buildOnce(dir, 'm', (tmp) => writeFile(join(tmp, 'who.txt'), String(i)))),
    );
    expect(results).toEqual([dir, dir, dir]);
    expect(['1', '2', '3']).toContain(await readFile(join(dir, 'who.txt'), 'utf8'));
    expect((await readdir(root)).filter((n) => n.includes('race'))).toEqual(['race']);
  });
});
