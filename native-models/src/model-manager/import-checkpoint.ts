/**
 * Import of a checkpoint already on disk, used in place (never copied): a diffusers folder, or the Hugging
 * Face cache layout `models--Qwen--Qwen-Image-Edit/` (its `refs/main` snapshot) or one of its
 * `snapshots/<rev>/` folders. The checkpoint is validated as the converter would, so a wrong folder is
 * refused with the converter's own message now rather than at conversion.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { COMPONENTS } from '../convert/components';
import { validateCheckpoint } from '../convert/validate';

export type ImportedCheckpoint = Readonly<{
  dir: string;
  /** From the cache layout's folder name, when it has one. */
  repo: string | null;
  /** The snapshot's commit, when the cache layout names it. */
  revision: string | null;
  pipeline: string;
}>;

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

function repoFromCacheName(name: string): string | null {
  const m = /^models--([^/]+?)--(.+)$/.exec(name);
  return m ? `${m[1]}/${m[2]!.replace(/--/g, '/')}` : null;
}

async function snapshotOf(cacheRepo: string): Promise<string> {
  const ref = await readFile(join(cacheRepo, 'refs', 'main'), 'utf8').then(
    (s) => s.trim(),
    () => '',
  );
  if (ref && (await isDir(join(cacheRepo, 'snapshots', ref)))) return join(cacheRepo, 'snapshots', ref);
  const snapshots = await readdir(join(cacheRepo, 'snapshots')).catch(() => []);
  if (snapshots.length === 1) return join(cacheRepo, 'snapshots', snapshots[0]!);
  throw new Error(
    `${cacheRepo}: a Hugging Face cache folder, but ${snapshots.length === 0 ? 'it has no snapshots' : `it has ${snapshots.length} snapshots and no refs/main; name one of ${join(cacheRepo, 'snapshots')}/<rev>`}`,
  );
}

export async function locateCheckpoint(path: string): Promise<ImportedCheckpoint> {
  const given = resolve(path);
  if (!(await isDir(given))) throw new Error(`${given}: folder not found`);
  let dir = given;
  let repo: string | null = null;
  let revision: string | null = null;
  if (repoFromCacheName(basename(given)) && (await isDir(join(given, 'snapshots')))) {
    repo = repoFromCacheName(basename(given));
    dir = await snapshotOf(given);
    revision = basename(dir);
  } else if (basename(dirname(given)) === 'snapshots') {
    repo = repoFromCacheName(basename(dirname(dirname(given))));
    revision = basename(given);
  }
  const checked = await validateCheckpoint(dir, COMPONENTS);
  return { dir, repo, revision, pipeline: checked.pipeline };
}
