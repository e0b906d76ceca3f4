/**
 * Reading and writing `project.json` so that no crash can lose a completed save.
 *
 * Save (single writer, see projectLock.ts):
 *   1. write the new document to `project.json.tmp-<random>` and fsync it;
 *   2. hard-link the current `project.json` to `project.json.bak` (via a temp name and a rename; a copy where
 *      the file system has no hard links), so the previous generation survives;
 *   3. rename the temp file over `project.json` and fsync the directory.
 * `project.json` therefore always exists and is always a complete document (rename is atomic); `.bak` holds
 * the generation before it. Blobs are written before step 1, so a saved document never names a missing blob.
 *
 * The document carries a checksum (sealedJson.ts), so a changed byte that still parses is damage too.
 * After each save the change is also appended to `project.json.journal` (journal.ts), which therefore holds
 * the latest state even when `project.json` is damaged and `.bak` is one save behind.
 *
 * Load: `project.json` is used when it parses, matches its checksum, validates and forms a sound tree, carried
 * forward by any newer journal lines (it was rolled back). Otherwise the newest state reachable from an intact
 * candidate (`.bak`, leftover temp files, the journal's base) plus the journal is used, merged with whatever
 * versions can still be read individually from the damaged file; when no candidate is intact, versions are
 * salvaged one by one. Every repair is reported as an issue, and so is every save that could not be
 * recovered; nothing read from disk is dropped silently.
 */
import { join } from 'node:path';

import { listTempFiles, tempPathFor, writeFileAtomic } from './atomicWrite';
import { hasErrno, ProjectError, toWriteError } from './errors';
import { declaredSchemaVersion, migrateToCurrent } from './migrations';
import type { ProjectFs } from './projectFs';
import { JOURNAL_FILE, readJournal, replayJournal } from './journal';
import type { Journal } from './journal';
import { repairTree } from './repairTree';
import { CURRENT_SCHEMA_VERSION, projectFileSchema, versionNodeSchema } from './schemas';
import type { ProjectFile, VersionNode } from './schemas';
import { sealDocument, unsealDocument } from './sealedJson';

export const PROJECT_FILE = 'project.json';
export const BACKUP_FILE = 'project.json.bak';

export type LoadSource = 'primary' | 'backup' | 'temp' | 'journal' | 'salvaged';

export type LoadedProjectFile = {
  file: ProjectFile;
  source: LoadSource;
  /** Format version the primary document was in (before migration), when it could be read. */
  migratedFrom: number | null;
  /** Human-readable descriptions of every problem found and repaired. Empty when the project is intact. */
  issues: string[];
  /** Highest generation seen in any candidate; the next save must go above it. */
  maxGeneration: number;
  /** The journal as read, for the writer to judge whether to start it afresh (journal.ts). */
  journal: Journal;
};

type Candidate = {
  name: string;
  /** The document when it is fully valid (migrated, schema, sound tree). */
  valid?: ProjectFile;
  /** Versions that parse one by one, for salvage. */
  nodes: VersionNode[];
  head?: string;
  meta?: Partial<Pick<ProjectFile, 'id' | 'name' | 'createdAt' | 'updatedAt'>>;
  generation: number;
  fromVersion: number | null;
  /** Version records present in the document that could not be read. */
  unreadable: number;
  problem?: string;
};

export async function loadProjectFile(fs: ProjectFs, dir: string): Promise<LoadedProjectFile> {
  const primary = await readCandidate(fs, dir, PROJECT_FILE);
  const journal = await readJournal(fs, dir);
  if (primary.valid) {
    const latest = replayJournal(journal, primary.valid);
    const maxGeneration = Math.max(primary.generation, journal.maxGeneration);
    const loaded = { migratedFrom: primary.fromVersion, maxGeneration, journal };
    if (latest === primary.valid) return { ...loaded, file: latest, source: 'primary', issues: [] };
    const issues = [
      `project.json was behind its journal (it held save #${primary.generation}); recovered save #${latest.generation} from ${JOURNAL_FILE}.`,
    ];
    return { ...loaded, file: latest, source: 'journal', issues };
  }
  if (primary.problem === 'missing' && !(await fs.exists(join(dir, BACKUP_FILE))) && !journal.base) {
    throw new ProjectError('PROJECT_NOT_FOUND', `No project at ${dir} (project.json is missing).`);
  }
  const others = [await readCandidate(fs, dir, BACKUP_FILE)];
  for (const name of await listTempFiles(fs, dir, PROJECT_FILE))
    others.push(await readCandidate(fs, dir, name));
  const all = [primary, ...others];
  const maxGeneration = Math.max(journal.maxGeneration, ...all.map((c) => c.generation));
  const issues = [`project.json is damaged (${primary.problem}).`];

  // Every intact starting point (a snapshot, the journal's base), carried forward by the journal.
  const starts: Candidate[] = others
    .filter((c) => c.valid)
    .map((c) => ({ ...c, valid: replayJournal(journal, c.valid!) }));
  if (journal.base) {
    const { id, name, createdAt, updatedAt } = journal.base;
    const base: Candidate = {
      name: JOURNAL_FILE,
      nodes: [],
      generation: -1,
      fromVersion: null,
      unreadable: 0,
    };
    starts.push({
      ...base,
      meta: { id, name, createdAt, updatedAt },
      valid: replayJournal(journal, journal.base),
    });
  }
  const best = starts.sort((a, b) => b.valid!.generation - a.valid!.generation)[0];
  if (best?.valid) {
    const file = best.valid;
    const fromJournal = best.name === JOURNAL_FILE || file.generation > best.generation;
    const source: LoadSource = fromJournal ? 'journal' : best.name === BACKUP_FILE ? 'backup' : 'temp';
    const from = fromJournal && best.name !== JOURNAL_FILE ? `${best.name} and ${JOURNAL_FILE}` : best.name;
    issues.push(`Recovered save #${file.generation} from ${from}.`);
    const loaded = { migratedFrom: best.fromVersion, maxGeneration, journal };
    if (maxGeneration <= file.generation) return { ...loaded, file, source, issues };
    issues.push(lostSaves(file.generation, maxGeneration));
    // Versions readable one by one in the damaged file or in journal lines past the gap are still kept.
    const known = new Set(file.versions.map((v) => v.id));
    const later = [...journal.changes.values()].filter((c) => c.g > file.generation).flatMap((c) => c.put);
    const extra = [...primary.nodes, ...later].filter((n) => !known.has(n.id));
    if (extra.length === 0) return { ...loaded, file, source, issues };
    issues.push(`Also recovered ${extra.length} newer version record(s) readable on their own.`);
    const meta = { id: file.id, name: file.name, createdAt: file.createdAt, updatedAt: file.updatedAt };
    const recovered: Candidate = { ...best, nodes: file.versions, head: file.head, meta };
    const salvaged = salvage([recovered, { ...primary, nodes: extra }], recovered, issues, maxGeneration);
    return { ...salvaged, journal };
  }
  const readable = all.filter((c) => c.nodes.length > 0);
  if (readable.length === 0) {
    throw new ProjectError(
      'PROJECT_CORRUPT',
      `project.json is damaged (${primary.problem}) and no backup copy is readable; no version could be recovered.`,
    );
  }
  issues.push('No intact copy was found; versions were recovered one by one.');
  if (maxGeneration >= 0) issues.push(lostSaves(-1, maxGeneration));
  return { ...salvage(readable, readable[0]!, issues, maxGeneration), journal };
}

/** Names the saves whose changes (a label, a rollback, a deletion) could not be recovered. */
function lostSaves(recovered: number, newest: number): string {
  const range = newest === recovered + 1 ? `save #${newest}` : `saves #${recovered + 1}–#${newest}`;
  const what =
    recovered < 0 ? 'Which save each version came from is unknown' : `The project is at save #${recovered}`;
  return `${what}; ${range} could not be recovered: changes made in ${newest === recovered + 1 ? 'it' : 'them'} (new versions, labels, the current version, deletions) are lost unless listed here.`;
}

/** Builds a project from individually readable versions; earlier candidates win for duplicate ids. */
function salvage(
  candidates: Candidate[],
  metaFrom: Candidate,
  issues: string[],
  maxGeneration: number,
): Omit<LoadedProjectFile, 'journal'> {
  const nodes: VersionNode[] = [];
  const seen = new Set<string>();
  const dropped = candidates.find((c) => !c.valid)?.unreadable ?? 0;
  for (const c of candidates) {
    for (const n of c.nodes) {
      if (!seen.has(n.id)) {
        seen.add(n.id);
        nodes.push(n);
      }
    }
  }
  nodes.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const head = candidates.map((c) => c.head).find((h) => h !== undefined && seen.has(h));
  const tree = repairTree(nodes, head);
  issues.push(...tree.issues);
  const now = new Date().toISOString();
  const meta = { ...candidates.find((c) => c.meta?.id)?.meta, ...metaFrom.meta };
  const file: ProjectFile = {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    generation: maxGeneration,
    id: meta.id ?? 'recovered',
    name: meta.name ?? 'Recovered project',
    createdAt: meta.createdAt ?? nodes[0]?.createdAt ?? now,
    updatedAt: meta.updatedAt ?? now,
    head: tree.head,
    versions: tree.versions,
  };
  if (dropped > 0) issues.push(`${dropped} unreadable version record(s) could not be recovered.`);
  return { file, source: 'salvaged', migratedFrom: null, issues, maxGeneration };
}

async function readCandidate(fs: ProjectFs, dir: string, name: string): Promise<Candidate> {
  const empty: Candidate = { name, nodes: [], generation: -1, fromVersion: null, unreadable: 0 };
  let text: string;
  try {
    text = (await fs.readFile(join(dir, name))).toString('utf8');
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return { ...empty, problem: 'missing' };
    return { ...empty, problem: `unreadable: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const problem = text.length === 0 ? 'empty file' : 'not valid JSON, probably cut short';
    return { ...salvageFields(scanTruncated(text), name), problem };
  }
  const { doc: raw, seal } = unsealDocument(json);
  if (seal === 'bad') {
    return { ...salvageFields(raw, name), problem: 'its checksum does not match: some bytes were changed' };
  }
  let doc: unknown;
  let fromVersion: number;
  try {
    ({ doc, fromVersion } = migrateToCurrent(raw));
  } catch (error) {
    if (error instanceof ProjectError && error.code === 'PROJECT_TOO_NEW') throw error;
    // A document without a usable version may still carry readable current-format versions.
    return { ...salvageFields(raw, name), problem: (error as Error).message };
  }
  const parsed = projectFileSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.')}: ${first.message}` : 'invalid';
    return { ...salvageFields(doc, name), fromVersion, problem: `wrong content at ${where}` };
  }
  const tree = repairTree(parsed.data.versions, parsed.data.head);
  if (tree.issues.length > 0) {
    return { ...salvageFields(doc, name), fromVersion, problem: tree.issues.join(' ') };
  }
  return {
    name,
    valid: parsed.data,
    nodes: parsed.data.versions,
    head: parsed.data.head,
    generation: parsed.data.generation,
    fromVersion,
    unreadable: 0,
  };
}

/** Whatever can be read from a document that fails validation as a whole. */
function salvageFields(doc: unknown, name: string): Candidate {
  const record = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  const nodes: VersionNode[] = [];
  let unreadable = 0;
  if (Array.isArray(record.versions)) {
    for (const v of record.versions) {
      const parsed = versionNodeSchema.safeParse(v);
      if (parsed.success) nodes.push(parsed.data);
      else unreadable++;
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    name,
    nodes,
    head: str(record.head),
    meta: {
      id: str(record.id),
      name: str(record.name),
      createdAt: str(record.createdAt),
      updatedAt: str(record.updatedAt),
    },
    generation: typeof record.generation === 'number' ? record.generation : -1,
    fromVersion: declaredSchemaVersion(doc) ?? null,
    unreadable,
  };
}

/** Saves `file` as the new `project.json`, keeping the previous one as `project.json.bak` (see top). */
export async function saveProjectFile(fs: ProjectFs, dir: string, file: ProjectFile): Promise<void> {
  const data = Buffer.from(sealDocument(file) + '\n', 'utf8');
  const path = join(dir, PROJECT_FILE);
  const temp = tempPathFor(path);
  try {
    await fs.writeNewFileSynced(temp, data);
    await keepBackup(fs, dir);
    await fs.rename(temp, path);
    await fs.fsyncDir(dir);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw toWriteError(error, 'the project');
  }
}

/** Writes the very first `project.json` of a new project. */
export async function createProjectFile(fs: ProjectFs, dir: string, file: ProjectFile): Promise<void> {
  try {
    await writeFileAtomic(fs, join(dir, PROJECT_FILE), Buffer.from(sealDocument(file) + '\n', 'utf8'));
  } catch (error) {
    throw toWriteError(error, 'the project');
  }
}

async function keepBackup(fs: ProjectFs, dir: string): Promise<void> {
  const current = join(dir, PROJECT_FILE);
  const tempBackup = tempPathFor(join(dir, BACKUP_FILE));
  try {
    await fs.link(current, tempBackup);
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return;
    if (!hasErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS')) throw error;
    await fs.copyFileExclusive(current, tempBackup);
  }
  await fs.rename(tempBackup, join(dir, BACKUP_FILE));
}

/**
 * Reads what it can from a cut-short or garbled `project.json` text: the top-level string and number fields
 * written before `versions`, and each complete `{...}` object of the `versions` array up to the damage.
 * (The writer puts `versions` last, so a truncated file keeps its header and its older versions.)
 */
export function scanTruncated(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = /"versions"\s*:\s*\[/.exec(text);
  const head = list ? text.slice(0, list.index) : text;
  for (const m of head.matchAll(/"(\w+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/g)) {
    try {
      out[m[1]!] = JSON.parse(m[2]!);
    } catch {
      // an unreadable field is simply not recovered
    }
  }
  if (!list) return out;
  const versions: unknown[] = [];
  const skipSpace = (at: number) => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    return at;
  };
  let i = skipSpace(list.index + list[0].length);
  while (text[i] === '{') {
    const end = matchingBrace(text, i);
    if (end < 0) break;
    try {
      versions.push(JSON.parse(text.slice(i, end + 1)));
    } catch {
      break;
    }
    i = skipSpace(end + 1);
    if (text[i] !== ',') break;
    i = skipSpace(i + 1);
  }
  out.versions = versions;
  return out;
}

/** Index of the `}` closing the object that opens at `start`, skipping strings; -1 if it is cut off. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}
