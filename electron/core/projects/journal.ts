/**
 * `project.json.journal`: a second, independent record of the latest state, so that a damaged
 * `project.json` costs nothing even though `.bak` is one save behind. It starts with a `base` line (a whole
 * project file) and gains one `change` line per save (the versions added or changed, the ids removed, the
 * head), each line checksummed (sealedJson.ts) and appended with fsync after the save's `project.json` is
 * durable. The writer rewrites it as a single base when it opens the project and it is out of step (an older
 * app, a kill between the two writes, damage) or long, and after any append that failed (a full disk).
 *
 * Replaying: from any intact starting state (a snapshot or the base) the change lines are applied in
 * generation order while they follow on without a gap; a damaged line stops the chain there.
 */
import { join } from 'node:path';

import { writeFileAtomic } from './atomicWrite';
import { hasErrno } from './errors';
import type { ProjectFs } from './projectFs';
import { repairTree } from './repairTree';
import { projectFileSchema, versionIdSchema, versionNodeSchema } from './schemas';
import type { ProjectFile, VersionNode } from './schemas';
import { sealLine, unsealLine } from './sealedJson';
import { z } from 'zod';

export const JOURNAL_FILE = 'project.json.journal';
/** Changes after which the writer starts the journal afresh from one base line. */
const MAX_CHANGES = 256;

const baseLineSchema = z.object({ base: projectFileSchema });
const changeLineSchema = z.object({
  g: z.number().int().positive(),
  at: z.string(),
  name: z.string(),
  head: versionIdSchema,
  put: z.array(versionNodeSchema),
  drop: z.array(versionIdSchema),
});
type Change = z.infer<typeof changeLineSchema>;

export type Journal = {
  /** The state the base line holds, when it is intact. */
  base: ProjectFile | null;
  /** Intact change lines by generation. */
  changes: Map<number, Change>;
  /** Lines that failed their checksum or schema (a cut-off last line is not counted: see `tornTail`). */
  damagedLines: number;
  tornTail: boolean;
  /** Highest generation any intact line names. */
  maxGeneration: number;
  /** Byte length of the file, for appending (0 when missing). */
  size: number;
  /** Why it could not be read at all (a folder in its place, no permission); null when missing or read. */
  problem: string | null;
};

export async function readJournal(fs: ProjectFs, dir: string): Promise<Journal> {
  const journal: Journal = {
    base: null,
    changes: new Map(),
    damagedLines: 0,
    tornTail: false,
    maxGeneration: -1,
    size: 0,
    problem: null,
  };
  let text: string;
  try {
    const bytes = await fs.readFile(join(dir, JOURNAL_FILE));
    journal.size = bytes.length;
    text = bytes.toString('utf8');
  } catch (error) {
    if (!hasErrno(error, 'ENOENT')) journal.problem = (error as Error).message;
    return journal;
  }
  const lines = text.split('\n');
  const last = lines.pop()!;
  if (last !== '') journal.tornTail = true;
  for (const line of lines) {
    const value = unsealLine(line);
    const base = baseLineSchema.safeParse(value);
    const change = changeLineSchema.safeParse(value);
    if (base.success) {
      journal.base = base.data.base;
      journal.maxGeneration = Math.max(journal.maxGeneration, base.data.base.generation);
    } else if (change.success) {
      journal.changes.set(change.data.g, change.data);
      journal.maxGeneration = Math.max(journal.maxGeneration, change.data.g);
    } else journal.damagedLines++;
  }
  return journal;
}

/**
 * Applies the journal's changes that follow `from` without a gap. Returns `from` itself when none does; a
 * change that would leave an unsound tree ends the chain (it is not trusted).
 */
export function replayJournal(journal: Journal, from: ProjectFile): ProjectFile {
  let state = from;
  for (let change = journal.changes.get(state.generation + 1); change;) {
    const next = applyChange(state, change);
    if (repairTree(next.versions, next.head).issues.length > 0) break;
    state = next;
    change = journal.changes.get(state.generation + 1);
  }
  return state;
}

function applyChange(state: ProjectFile, change: Change): ProjectFile {
  const put = new Map(change.put.map((v) => [v.id, v]));
  const drop = new Set(change.drop);
  const versions = state.versions.filter((v) => !drop.has(v.id)).map((v) => put.get(v.id) ?? v);
  const known = new Set(versions.map((v) => v.id));
  versions.push(...change.put.filter((v) => !known.has(v.id)));
  return {
    ...state,
    generation: change.g,
    name: change.name,
    head: change.head,
    updatedAt: change.at,
    versions,
  };
}

/** The change line that turns `prev` into `next` (records are immutable objects: a new object is a change). */
function changeBetween(prev: ProjectFile, next: ProjectFile): string {
  const before = new Map(prev.versions.map((v) => [v.id, v]));
  const nextIds = new Set(next.versions.map((v) => v.id));
  const put: VersionNode[] = next.versions.filter((v) => before.get(v.id) !== v);
  const drop = prev.versions.filter((v) => !nextIds.has(v.id)).map((v) => v.id);
  const change: Change = {
    g: next.generation,
    at: next.updatedAt,
    name: next.name,
    head: next.head,
    put,
    drop,
  };
  return sealLine(change);
}

/**
 * The writer's side: records each save after its `project.json` is durable. A journal write that fails
 * does not fail the save (that is already durable); the journal is started afresh at the next save.
 */
export class JournalWriter {
  private changes = 0;

  /** `size`: the current file's length when it is in step with the project, null to start it afresh. */
  constructor(
    private readonly fs: ProjectFs,
    private readonly dir: string,
    private size: number | null,
  ) {}

  /** Starts the journal afresh from `file` (a failure leaves it to the next save). */
  async start(file: ProjectFile): Promise<void> {
    this.size = null;
    await this.record(file, file);
  }

  async record(prev: ProjectFile, next: ProjectFile): Promise<void> {
    try {
      if (this.size === null || this.changes >= MAX_CHANGES) {
        this.size = await rewriteJournal(this.fs, this.dir, next);
        this.changes = 0;
      } else {
        this.size = await appendJournal(this.fs, this.dir, this.size, changeBetween(prev, next));
        this.changes++;
      }
    } catch {
      this.size = null;
    }
  }
}

/** True when the journal replays from its own base to exactly `file`'s generation with nothing damaged. */
export function journalInStep(journal: Journal, file: ProjectFile): boolean {
  if (!journal.base || journal.problem || journal.tornTail || journal.damagedLines > 0) return false;
  if (journal.changes.size > MAX_CHANGES) return false;
  return replayJournal(journal, journal.base).generation === file.generation;
}

/** Starts the journal afresh with `file` as its base (atomically: the old journal stays until it is replaced). */
export async function rewriteJournal(fs: ProjectFs, dir: string, file: ProjectFile): Promise<number> {
  const data = Buffer.from(sealLine({ base: file }), 'utf8');
  const path = join(dir, JOURNAL_FILE);
  try {
    await writeFileAtomic(fs, path, data);
  } catch (error) {
    // Something that is not a file (a folder) in its place: move it aside, it is not ours to delete.
    if (!hasErrno(error, 'EISDIR', 'ENOTEMPTY', 'EEXIST')) throw error;
    await fs.rename(path, `${path}.damaged-${Date.now().toString(36)}`);
    await writeFileAtomic(fs, path, data);
  }
  return data.length;
}

/**
 * Appends a change line. On failure (a full disk) the file is cut back to `size` so no torn line stays in
 * the middle; the caller then rewrites the journal at its next save.
 */
async function appendJournal(fs: ProjectFs, dir: string, size: number, line: string): Promise<number> {
  const data = Buffer.from(line, 'utf8');
  const path = join(dir, JOURNAL_FILE);
  try {
    await fs.appendFileSynced(path, data);
  } catch (error) {
    await fs.truncate(path, size).catch(() => undefined);
    throw error;
  }
  return size + data.length;
}
