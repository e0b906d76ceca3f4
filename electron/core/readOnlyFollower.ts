/**
 * Keeps a read-only project current while another instance writes it: its `project.json` is re-read when it
 * changes, and once the writer is gone (its lock removed, or its process dead) the project is opened again
 * as the writer — no restart needed. Polled, because a killed writer leaves no file-system event behind.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Project } from './projects/Project';
import { isProcessAlive, LOCK_FILE } from './projects/projectLock';

export type FollowOptions = {
  /** Opens the project folder again (as the writer when its lock is free). */
  reopen(): Promise<Project>;
  /** The project changed on disk, or `next` replaced it as the writer. */
  onChange(next: Project): void;
  pollMs?: number;
};

/** Whether the lock could be taken now: no lock file, or one whose process on this host is gone. */
async function lockLooksFree(dir: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(dir, LOCK_FILE), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  try {
    const holder = JSON.parse(text) as { pid?: unknown; hostname?: unknown };
    return holder.hostname === hostname() && typeof holder.pid === 'number' && !isProcessAlive(holder.pid);
  } catch {
    return false; // half-written: its writer is alive and busy
  }
}

/** Starts following `project`; returns the function that stops it. */
export function followReadOnly(project: Project, options: FollowOptions): () => void {
  let stopped = false;
  let busy = false;
  let seen: number | undefined;
  const tick = async () => {
    if (stopped || busy) return;
    busy = true;
    try {
      if (await lockLooksFree(project.dir)) {
        const next = await options.reopen();
        if (stopped || next.readOnly) return void (await next.close());
        stop();
        return options.onChange(next);
      }
      // The first look reloads too: the writer may have saved between the open and this tick.
      const changed = (await stat(join(project.dir, 'project.json'))).mtimeMs;
      if (changed !== seen) {
        const before = JSON.stringify(project.tree());
        await project.reload();
        seen = changed;
        if (!stopped && JSON.stringify(project.tree()) !== before) options.onChange(project);
      }
    } catch {
      // A write in progress or a vanished folder: the next tick looks again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.pollMs ?? 500);
  timer.unref();
  void tick();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
