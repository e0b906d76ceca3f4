/**
 * Installed models: every folder of the models root with a model.json, described by its `install.json`
 * (catalogue id, source repo and commit, source hashes, LoRAs fused, last used), plus the demo model listed
 * as such. `library.json` names the active one. Verify re-hashes every file; remove deletes the folder.
 */
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_MANIFEST } from '../model-store/manifest';
import type { ModelManifest } from '../model-store/manifest';
import { verifyModelFolder } from '../model-store/verify';
import type { Precision } from '../onnx';
import { INSTALL_RECORD, LIBRARY_FILE } from './models-root';

export type InstallRecord = Readonly<{
  id: string;
  name: string;
  sourceRepo: string | null;
  sourceRevision: string | null;
  /** sha256 (or git blob id) of each source file, as the hub listed them. */
  sourceHashes: Readonly<Record<string, string>>;
  loras: readonly string[];
  installedAt: string;
  lastUsed: string | null;
}>;

export type InstalledModel = Readonly<{
  folder: string;
  dir: string;
  name: string;
  variant: string;
  precision: Precision | null;
  loras: readonly string[];
  bytes: number;
  sourceRepo: string | null;
  sourceRevision: string | null;
  sourceHashes: Readonly<Record<string, string>>;
  lastUsed: string | null;
  active: boolean;
  demo: boolean;
}>;

export const DEMO_MODEL_FOLDER = '(demo)';

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

const safeFolder = (folder: string) => {
  if (!/^[\w.-]+$/.test(folder) || folder.startsWith('.'))
    throw new Error(`'${folder}' is not an installed model's folder name`);
  return folder;
};

export async function activeFolder(root: string): Promise<string | null> {
  const lib = await readJson<{ active?: string }>(join(root, LIBRARY_FILE));
  return lib?.active ?? null;
}

export async function listInstalled(root: string): Promise<InstalledModel[]> {
  const active = await activeFolder(root);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const models: InstalledModel[] = [];
  for (const e of entries
    .filter((x) => x.isDirectory() && !x.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dir = join(root, e.name);
    const manifest = await readJson<ModelManifest>(join(dir, MODEL_MANIFEST));
    if (!manifest) continue;
    const record = await readJson<InstallRecord>(join(dir, INSTALL_RECORD));
    let bytes = 0;
    for (const f of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) bytes += (await stat(join(f.parentPath, f.name))).size;
    }
    models.push({
      folder: e.name,
      dir,
      name: record?.name ?? e.name,
      variant: record?.id ?? 'unknown',
      precision: manifest.precision ?? null,
      loras: record?.loras ?? [],
      bytes,
      sourceRepo: record?.sourceRepo ?? null,
      sourceRevision: record?.sourceRevision ?? null,
      sourceHashes: record?.sourceHashes ?? {},
      lastUsed: record?.lastUsed ?? null,
      active: active === e.name,
      demo: false,
    });
  }
  models.push({
    folder: DEMO_MODEL_FOLDER,
    dir: '',
    name: 'Demo model (tiny, random weights: edits are noise)',
    variant: 'demo',
    precision: 'fp32',
    loras: [],
    bytes: 0,
    sourceRepo: null,
    sourceRevision: null,
    sourceHashes: {},
    lastUsed: null,
    active: active === null || !models.some((m) => m.active),
    demo: true,
  });
  return models;
}

export async function setActive(root: string, folder: string): Promise<void> {
  if (folder !== DEMO_MODEL_FOLDER) {
    const installed = await listInstalled(root);
    if (!installed.some((m) => m.folder === safeFolder(folder) && !m.demo))
      throw new Error(`no installed model '${folder}' in ${root}`);
  }
  const lib = (await readJson<Record<string, unknown>>(join(root, LIBRARY_FILE))) ?? {};
  await writeJsonAtomic(join(root, LIBRARY_FILE), {
    ...lib,
    active: folder === DEMO_MODEL_FOLDER ? null : folder,
  });
}

export async function markUsed(root: string, folder: string, when = new Date()): Promise<void> {
  const path = join(root, safeFolder(folder), INSTALL_RECORD);
  const record = await readJson<InstallRecord>(path);
  if (record) await writeJsonAtomic(path, { ...record, lastUsed: when.toISOString() });
}

/** Re-hashes every file of an installed model against its manifest; throws naming the first bad file. */
export async function verifyInstalled(root: string, folder: string): Promise<ModelManifest> {
  return verifyModelFolder(join(root, safeFolder(folder)), 'sha256');
}

export async function removeInstalled(root: string, folder: string): Promise<void> {
  const dir = join(root, safeFolder(folder));
  if (!(await readJson(join(dir, MODEL_MANIFEST)))) throw new Error(`${dir} is not an installed model`);
  // Not a model from here on, even if the delete is interrupted.
  await rm(join(dir, MODEL_MANIFEST));
  await rm(dir, { recursive: true, force: true });
  if ((await activeFolder(root)) === folder) await setActive(root, DEMO_MODEL_FOLDER);
}

export async function writeInstallRecord(dir: string, record: InstallRecord): Promise<void> {
  await writeJsonAtomic(join(dir, INSTALL_RECORD), record);
}
