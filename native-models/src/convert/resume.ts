/**
 * Resuming a conversion per component. The partial folder (`.<name>.partial` beside the destination) keeps
 * `.resume.json`: what the conversion was (settings, components, the checkpoint's config hashes and its weight
 * files' sizes and times) and, per finished component, its model.json entry and its files' sha256. A cancelled
 * or killed conversion started again with the same inputs re-hashes those files and builds only the rest; any
 * difference (other inputs, a changed or missing file) rebuilds that component. A lock file with the owner's pid
 * keeps two live conversions out of one partial folder; a dead owner's lock is taken over.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../model-store/hash';
import type { ComponentEntry } from '../model-store/manifest';
import { MODEL_FORMAT_VERSION } from '../model-store/manifest';
import type { ComponentPlugin, ConvertSettings } from './component';
import type { CheckedCheckpoint } from './validate';

const RECORD = '.resume.json';
const LOCK = '.lock';

type Finished = { entry: ComponentEntry; sha256: Record<string, string> };
type ResumeRecord = { key: string; components: Record<string, Finished> };

/** What makes two conversions the same: equal keys may share finished components. */
export async function resumeKey(
  checked: CheckedCheckpoint,
  settings: ConvertSettings,
  plugins: readonly ComponentPlugin[],
  /** LoRAs fused at conversion (name, sha256, strength): other LoRAs make other components. */
  loras: readonly unknown[] = [],
): Promise<string> {
  const weights: Record<string, [number, number]> = {};
  for (const folder of ['transformer', 'vae', 'text_encoder']) {
    const names = await readdir(join(checked.dir, folder)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.safetensors')).sort()) {
      const s = await stat(join(checked.dir, folder, name));
      weights[`${folder}/${name}`] = [s.size, s.mtimeMs];
    }
  }
  const identity = {
    format: MODEL_FORMAT_VERSION,
    settings,
    components: plugins.map((p) => p.name),
    sources: checked.sourceHashes,
    weights,
    loras,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export class ResumeState {
  private constructor(
    private readonly dir: string,
    private readonly record: ResumeRecord,
  ) {}

  /** Opens (or starts) the record in `dir`, taking its lock; a record for other inputs is dropped. */
  static async open(dir: string, key: string): Promise<ResumeState> {
    await takeLock(dir);
    let record: ResumeRecord = { key, components: {} };
    try {
      const saved = JSON.parse(await readFile(join(dir, RECORD), 'utf8')) as ResumeRecord;
      if (saved.key === key) record = saved;
    } catch {
      // No record: a fresh start.
    }
    return new ResumeState(dir, record);
  }

  /** The finished component `name`, if its files are all there with their recorded hashes. */
  async kept(name: string): Promise<Finished | undefined> {
    const done = this.record.components[name];
    if (!done) return undefined;
    for (const [file, sha256] of Object.entries(done.sha256)) {
      const actual = await sha256File(join(this.dir, file)).catch(() => undefined);
      if (actual !== sha256) {
        delete this.record.components[name];
        return undefined;
      }
    }
    return done;
  }

  /** Records component `name` as finished (after its files are written). */
  async finished(name: string, entry: ComponentEntry, sha256: Record<string, string>): Promise<void> {
    this.record.components[name] = { entry, sha256 };
    const tmp = join(this.dir, `${RECORD}.tmp`);
    await writeFile(tmp, JSON.stringify(this.record));
    await rename(tmp, join(this.dir, RECORD));
  }

  /** Removes the record and the lock (before the folder becomes a model, or when it is kept for later). */
  async close(keepRecord: boolean): Promise<void> {
    if (!keepRecord) await rm(join(this.dir, RECORD), { force: true });
    await rm(join(this.dir, LOCK), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeLock(dir: string): Promise<void> {
  const path = join(dir, LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number(await readFile(path, 'utf8').catch(() => ''));
      if (owner > 0 && owner !== process.pid && alive(owner))
        throw new Error(`${dir}: another conversion into this folder is running (pid ${owner})`);
      await rm(path, { force: true });
    }
  }
}
