/**
 * What the hash check covers: every path model.json names (component graphs and their files, tokenizer and
 * processor files) must be one of its hashed files, and every hashed file must really lie inside the folder
 * (no `../`, no symlink leading out). Otherwise a manifest could point the loader at bytes nobody hashed.
 */
import { readdir, realpath, lstat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { ModelManifest } from './manifest';

/** The loader reads whatever its folder holds under fixed names, so these folders may hold hashed files only. */
const LISTED_FOLDERS = ['tokenizer', 'processor'] as const;

/** Paths the manifest names for loading, by the field that names them. */
function namedPaths(manifest: ModelManifest): [string, string][] {
  const named: [string, string][] = [];
  for (const [name, c] of Object.entries(manifest.components)) {
    if (!c) continue;
    named.push([`components.${name}.model`, c.model]);
    for (const f of c.files) named.push([`components.${name}.files`, f]);
  }
  for (const kind of LISTED_FOLDERS) {
    for (const f of manifest[kind].files) named.push([`${kind}.files`, `${manifest[kind].dir}/${f}`]);
  }
  return named;
}

/** The first reason the folder's layout escapes the hash check, or undefined when every byte it loads is hashed. */
export async function folderLayoutProblem(dir: string, manifest: ModelManifest): Promise<string | undefined> {
  for (const [field, path] of namedPaths(manifest)) {
    if (!(path in manifest.files)) return `${field} names ${path}, which model.json does not hash`;
  }
  for (const kind of LISTED_FOLDERS) {
    const folder = manifest[kind].dir;
    if (folder.split('/').includes('..') || folder.startsWith('/'))
      return `${kind}.dir ${folder} leaves the model folder`;
    const entries = await readdir(join(dir, folder)).catch(() => [] as string[]);
    const unlisted = entries.find((e) => !(`${folder}/${e}` in manifest.files) && !e.startsWith('.'));
    if (unlisted !== undefined) return `${folder}/${unlisted} is not hashed in model.json`;
  }
  const root = await realpath(dir);
  for (const file of Object.keys(manifest.files)) {
    const path = join(dir, file);
    const link = await lstat(path).catch(() => undefined);
    if (!link) continue; // missing files are reported by the size check, with their path
    const real = await realpath(path).catch(() => undefined);
    const rel = real === undefined ? '' : relative(root, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
      return `${file} is a symlink that leads out of the model folder`;
  }
  return undefined;
}
