/**
 * The recent-projects list: `recent-projects.json` in the app's data folder, newest first, written
 * atomically. A damaged or unreadable file reads as an empty list: it is a convenience, never a source of
 * truth.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';

import { writeFileAtomic } from './atomicWrite';
import { toWriteError } from './errors';
import { nodeProjectFs } from './projectFs';
import type { ProjectFs } from './projectFs';

export const RECENT_FILE = 'recent-projects.json';
export const MAX_RECENT = 20;

const recentEntrySchema = z.object({ path: z.string().min(1), name: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof recentEntrySchema>;
const recentFileSchema = z.object({ schemaVersion: z.literal(1), entries: z.array(recentEntrySchema) });

export class RecentProjects {
  constructor(
    private readonly appDataDir: string,
    private readonly fs: ProjectFs = nodeProjectFs,
  ) {}

  async list(): Promise<RecentProject[]> {
    try {
      const parsed = recentFileSchema.safeParse(
        JSON.parse((await this.fs.readFile(this.file)).toString('utf8')),
      );
      return parsed.success ? parsed.data.entries : [];
    } catch {
      return [];
    }
  }

  /** Puts `path` first (replacing an older entry for it) and keeps at most MAX_RECENT entries. */
  async touch(path: string, name: string, at = new Date()): Promise<RecentProject[]> {
    const abs = resolve(path);
    const entries = [
      { path: abs, name, openedAt: at.toISOString() },
      ...(await this.list()).filter((e) => e.path !== abs),
    ];
    return this.write(entries.slice(0, MAX_RECENT));
  }

  async remove(path: string): Promise<RecentProject[]> {
    const abs = resolve(path);
    return this.write((await this.list()).filter((e) => e.path !== abs));
  }

  private get file(): string {
    return join(this.appDataDir, RECENT_FILE);
  }

  private async write(entries: RecentProject[]): Promise<RecentProject[]> {
    try {
      await this.fs.mkdirp(this.appDataDir);
      await writeFileAtomic(
        this.fs,
        this.file,
        Buffer.from(JSON.stringify({ schemaVersion: 1, entries }, null, 2)),
      );
    } catch (error) {
      throw toWriteError(error, 'the recent-projects list');
    }
    return entries;
  }
}
