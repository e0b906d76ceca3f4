/**
 * One writer per project: `project.lock` holds `{ pid, hostname, createdAt, token }` and is created with
 * O_EXCL, so exactly one opener wins. A lock whose owner is on this host and no longer running is stale and
 * is taken over; a lock from another host cannot be checked and is respected (the user can break it by
 * deleting the file). Losers open the project read-only and are told who holds it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

import { hasErrno } from './errors';
import type { ProjectFs } from './projectFs';

export const LOCK_FILE = 'project.lock';

const lockInfoSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  createdAt: z.string(),
  token: z.string(),
});
export type LockInfo = z.infer<typeof lockInfoSchema>;

export type LockResult =
  { acquired: true; lock: ProjectLock } | { acquired: false; holder: LockInfo | null; reason: string };

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasErrno(error, 'EPERM');
  }
}

export class ProjectLock {
  private constructor(
    private readonly fs: ProjectFs,
    private readonly path: string,
    readonly info: LockInfo,
  ) {}

  /** Tries to become the project's writer; never throws for a held lock (that is `acquired: false`). */
  static async acquire(fs: ProjectFs, dir: string): Promise<LockResult> {
    const path = join(dir, LOCK_FILE);
    const info: LockInfo = {
      pid: process.pid,
      hostname: hostname(),
      createdAt: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    const data = Buffer.from(JSON.stringify(info));
    // Two rounds: the second follows the removal of a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await createComplete(fs, path, data))
        return { acquired: true, lock: new ProjectLock(fs, path, info) };
      const holder = await readLock(fs, path);
      if (holder === 'missing') continue;
      if (holder !== 'unreadable' && !isStale(holder)) {
        return { acquired: false, holder, reason: describeHolder(holder) };
      }
      if (!(await removeStale(fs, path, holder))) break;
    }
    const holder = await readLock(fs, path);
    const known = typeof holder === 'object' ? holder : null;
    return {
      acquired: false,
      holder: known,
      reason: known ? describeHolder(known) : 'Another instance is opening this project.',
    };
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const current = await readLock(this.fs, this.path);
    if (typeof current === 'object' && current.token === this.info.token) {
      await this.fs.unlink(this.path).catch(() => undefined);
    }
  }
}

/**
 * Creates the lock file with its content already complete: written under a temp name and hard-linked into
 * place (link fails if the name exists), so a reader never sees a half-written lock. Where hard links are not
 * supported, falls back to an O_EXCL create. Returns false when the lock exists.
 */
async function createComplete(fs: ProjectFs, path: string, data: Uint8Array): Promise<boolean> {
  const temp = `${path}.new-${randomBytes(6).toString('hex')}`;
  try {
    await fs.writeNewFileSynced(temp, data);
  } catch (error) {
    // A full disk leaves a partial file: never leave it behind.
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    await fs.link(temp, path);
    return true;
  } catch (error) {
    if (hasErrno(error, 'EEXIST')) return false;
    if (!hasErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS')) throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  try {
    await fs.writeNewFileSynced(path, data);
    return true;
  } catch (error) {
    if (hasErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

async function readLock(fs: ProjectFs, path: string): Promise<LockInfo | 'missing' | 'unreadable'> {
  try {
    const parsed = lockInfoSchema.safeParse(JSON.parse((await fs.readFile(path)).toString('utf8')));
    return parsed.success ? parsed.data : 'unreadable';
  } catch (error) {
    return hasErrno(error, 'ENOENT') ? 'missing' : 'unreadable';
  }
}

/**
 * A lock is stale when its process is gone, or when it is older than the process now using its pid: after
 * a crash and a reboot (or long uptime) the pid may belong to something unrelated, which would otherwise
 * keep the project read-only for good. Locks from other hosts cannot be checked.
 */
function isStale(holder: LockInfo): boolean {
  if (holder.hostname !== hostname()) return false;
  if (!isProcessAlive(holder.pid)) return true;
  const lockedAt = Date.parse(holder.createdAt);
  if (Number.isNaN(lockedAt)) return false;
  const bootedAt = Date.now() - uptime() * 1000;
  if (lockedAt < bootedAt - 60_000) return true;
  const started = processStartTime(holder.pid);
  // Start times are only known to 10 ms, and clocks drift: allow a few seconds.
  return started !== null && started > lockedAt + 5_000;
}

/** When process `pid` started (epoch ms), on Linux; null elsewhere or when unknown. */
export function processStartTime(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counts from after the ")" that ends the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!btime || !Number.isFinite(ticks)) return null;
    // USER_HZ is 100 on every Linux architecture Node supports.
    return Number(btime[1]) * 1000 + ticks * 10;
  } catch {
    return null;
  }
}

/**
 * Moves a stale lock aside under a unique name, so that of two openers racing to take it over only one
 * moves it; if what was moved turns out to be a fresh lock (the other opener's), it is put back.
 */
async function removeStale(fs: ProjectFs, path: string, judged: LockInfo | 'unreadable'): Promise<boolean> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await fs.rename(path, aside);
  } catch (error) {
    return hasErrno(error, 'ENOENT');
  }
  const moved = await readLock(fs, aside);
  const same =
    typeof moved === 'object' && typeof judged === 'object' ? moved.token === judged.token : moved === judged;
  if (!same) {
    await fs.link(aside, path).catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
    return false;
  }
  await fs.unlink(aside).catch(() => undefined);
  return true;
}

function describeHolder(holder: LockInfo): string {
  return (
    `This project is open in another instance (process ${holder.pid} on ${holder.hostname}, since ${holder.createdAt}). ` +
    'It is opened read-only here; close it there to edit it.'
  );
}
