/**
 * Convert a downloaded or imported checkpoint into the library: refuses, with the reason, a variant the
 * converter cannot build yet; otherwise runs the converter (which itself refuses configs it does not know)
 * into `<root>/<id>-<precision>`, records where it came from, and removes the source when asked.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { convertCheckpoint } from '../convert/convert';
import type { ProgressSink } from '../convert/progress';
import type { Precision } from '../onnx';
import type { CatalogueEntry } from './catalogue';
import { writeInstallRecord } from './library';
import { readSourceRecord } from './pull';

export class UnsupportedVariantError extends Error {
  readonly code = 'variant-not-supported';
  constructor(entry: CatalogueEntry) {
    super(`${entry.name}: ${entry.unsupported ?? 'not supported'}`);
    this.name = 'UnsupportedVariantError';
  }
}

export type InstallOptions = Readonly<{
  root: string;
  entry: CatalogueEntry;
  source: string;
  precision: Precision;
  /** Repo and commit of an imported checkpoint (a pulled one carries its own source.json). */
  origin?: { repo: string | null; revision: string | null };
  deleteSource?: boolean;
  overwrite?: boolean;
  progress?: boolean | ProgressSink;
  /** Cancels the conversion; its finished components are kept and installing again resumes with the rest. */
  signal?: AbortSignal;
}>;

export const installFolder = (entry: CatalogueEntry, precision: Precision) => `${entry.id}-${precision}`;

export async function installModel(options: InstallOptions): Promise<string> {
  const { entry } = options;
  if (entry.unsupported) throw new UnsupportedVariantError(entry);
  const folder = installFolder(entry, options.precision);
  const dir = join(options.root, folder);
  const source = await readSourceRecord(options.source);
  await convertCheckpoint(options.source, dir, {
    precision: options.precision,
    ...(options.overwrite ? { overwrite: true } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await writeInstallRecord(dir, {
    id: entry.id,
    name: `${entry.name} (${options.precision})`,
    sourceRepo: source?.repo ?? options.origin?.repo ?? null,
    sourceRevision: source?.sha ?? options.origin?.revision ?? null,
    sourceHashes: Object.fromEntries(
      Object.entries(source?.files ?? {}).map(([p, f]) => [p, f.sha256 ?? f.gitOid]),
    ),
    loras: [],
    installedAt: new Date().toISOString(),
    lastUsed: null,
  });
  if (options.deleteSource) await rm(options.source, { recursive: true, force: true });
  return folder;
}
