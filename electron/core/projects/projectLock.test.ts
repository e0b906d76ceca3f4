import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { nodeProjectFs } from './projectFs';
import { isProcessAlive, LOCK_FILE, processStartTime, ProjectLock } from './projectLock';
import { makeTempDir } from './testing/images';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ProjectLock', () => {
  it('of many concurrent openers exactly one wins; release lets the next one in', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ProjectLock.acquire(nodeProjectFs, dir)),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const info = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname() });
    for (const r of results) if (!r.acquired) expect(r.holder?.token).toBe(info.token);
    if (winners[0]?.acquired) await winners[0].lock.release();
    const next = await ProjectLock.acquire(nodeProjectFs, dir);
    expect(next.acquired).toBe(true);
    // No helper files are left behind.
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('of many concurrent openers finding a stale lock exactly one takes it over', async () => {
    const dead = {
      pid: 2 ** 22 + 4321,
      hostname: hostname(),
      createdAt: '2020-01-01T00:00:00Z',
      token: 'dead',
    };
    expect(isProcessAlive(dead.pid)).toBe(false);
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(dead));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ProjectLock.acquire(nodeProjectFs, dir)),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('treats an unreadable lock file as stale', async () => {
    await writeFile(join(dir, LOCK_FILE), '{"pid": 12');
    const result = await ProjectLock.acquire(nodeProjectFs, dir);
    expect(result.acquired).toBe(true);
  });

  it('release does not remove a lock that is no longer its own', async () => {
    const first = await ProjectLock.acquire(nodeProjectFs, dir);
    expect(first.acquired).toBe(true);
    const other = { pid: process.pid, hostname: hostname(), createdAt: 'now', token: 'someone-else' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(other));
    if (first.acquired) await first.lock.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ token: 'someone-else' });
  });
});

describe('stale-lock detection with live pids', () => {
  it('respects a lock of a live process that is older than the lock', async () => {
    // pid 1 has run since boot, long before this lock was taken.
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, hostname: hostname(), createdAt: new Date().toISOString(), token: 'init' }),
    );
    const result = await ProjectLock.acquire(nodeProjectFs, dir);
    expect(result.acquired).toBe(false);
  });

  it('takes over a lock from before the last boot even if its pid is in use now', async () => {
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, hostname: hostname(), createdAt: '2001-01-01T00:00:00Z', token: 'old' }),
    );
    expect((await ProjectLock.acquire(nodeProjectFs, dir)).acquired).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to a process started after it',
    async () => {
      const child = spawn('sleep', ['30']);
      try {
        await new Promise((resolve) => child.on('spawn', resolve));
        const started = processStartTime(child.pid!);
        expect(started).not.toBeNull();
        expect(Math.abs(started! - Date.now())).toBeLessThan(60_000);
        const createdAt = new Date(started! - 20_000).toISOString(); // taken 20 s before this process started
        await writeFile(
          join(dir, LOCK_FILE),
          JSON.stringify({ pid: child.pid, hostname: hostname(), createdAt, token: 'reused' }),
        );
        expect((await ProjectLock.acquire(nodeProjectFs, dir)).acquired).toBe(true);
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
