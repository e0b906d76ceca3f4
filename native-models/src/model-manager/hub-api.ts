/**
 * The two hub API calls a download needs, against any endpoint with the Hugging Face hub's API (the hub
 * itself or a mirror):
 * - `GET {endpoint}/api/models/{repo}/revision/{rev}` → `{ id, sha, siblings: [{ rfilename }] }`: resolves a
 *   branch or tag to the commit every file is then fetched at;
 * - `GET {endpoint}/api/models/{repo}/tree/{sha}?recursive=true` → `[{ type, oid, size, path, lfs? }]`,
 *   paginated with a `Link: <…>; rel="next"` header; `lfs.oid` is the file's sha256, `oid` of a non-LFS
 *   file its git blob id.
 * Files come from `{endpoint}/{repo}/resolve/{sha}/{path}` (redirects followed).
 */
import { httpError, HubError } from './hub-errors';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export type HubAccess = Readonly<{
  /** Base URL of the hub or a mirror (no trailing slash needed). */
  endpoint: string;
  token?: string;
  /** Replaces global fetch (tests never need it: they serve a real server on 127.0.0.1). */
  fetch?: typeof fetch;
}>;

/** One file to fetch and how to check it. */
export type RemoteFile = Readonly<{
  path: string;
  size: number;
  /** sha256 for LFS files, else null (then `gitOid` checks it). */
  sha256: string | null;
  /** git blob id (sha1 of "blob <size>\0<bytes>"). */
  gitOid: string;
}>;

export type RepoSnapshot = Readonly<{ repo: string; revision: string; sha: string; files: RemoteFile[] }>;

const base = (endpoint: string) => endpoint.replace(/\/+$/, '');
const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function fileUrl(access: HubAccess, repo: string, sha: string, path: string): string {
  return `${base(access.endpoint)}/${repo}/resolve/${encodeURIComponent(sha)}/${encodePath(path)}`;
}

export function authHeaders(access: HubAccess): Record<string, string> {
  return access.token ? { authorization: `Bearer ${access.token}` } : {};
}

async function getJson(access: HubAccess, url: string, what: string, signal?: AbortSignal) {
  const doFetch = access.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { headers: authHeaders(access), signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HubError(`${what}: cannot reach ${new URL(url).origin} (${(error as Error).message})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw httpError(response.status, what, Boolean(access.token));
  }
  return { json: (await response.json()) as unknown, link: response.headers.get('link') };
}

function nextLink(link: string | null): string | undefined {
  return link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part))
    .find(Boolean)?.[1];
}

type TreeEntry = { type?: string; path?: string; size?: number; oid?: string; lfs?: { oid?: string } };

function toRemoteFile(entry: TreeEntry, what: string): RemoteFile {
  if (typeof entry.path !== 'string' || typeof entry.size !== 'number' || typeof entry.oid !== 'string')
    throw new HubError(`${what}: malformed tree entry ${JSON.stringify(entry)}`, undefined, false);
  if (entry.path.split('/').some((p) => p === '..' || p === '' || p === '.'))
    throw new HubError(`${what}: refusing the unsafe path '${entry.path}'`, undefined, false);
  return { path: entry.path, size: entry.size, sha256: entry.lfs?.oid ?? null, gitOid: entry.oid };
}

/** Resolves `revision` to a commit and lists its files (optionally only `only`). */
export async function fetchSnapshot(
  access: HubAccess,
  repo: string,
  revision: string,
  only?: readonly string[],
  signal?: AbortSignal,
): Promise<RepoSnapshot> {
  const what = `${repo}@${revision}`;
  const api = `${base(access.endpoint)}/api/models/${repo}`;
  const info = (await getJson(access, `${api}/revision/${encodeURIComponent(revision)}`, what, signal))
    .json as { sha?: unknown };
  if (typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha))
    throw new HubError(`${what}: the server's answer has no commit sha`, undefined, false);
  const files: RemoteFile[] = [];
  let url: string | undefined = `${api}/tree/${info.sha}?recursive=true`;
  while (url) {
    const page = await getJson(access, url, what, signal);
    if (!Array.isArray(page.json)) throw new HubError(`${what}: the tree listing is not a list`);
    for (const entry of page.json as TreeEntry[]) {
      if (entry.type === 'file') files.push(toRemoteFile(entry, what));
    }
    url = nextLink(page.link);
  }
  const wanted = only ? files.filter((f) => only.includes(f.path)) : files;
  const missing = only?.filter((p) => !files.some((f) => f.path === p)) ?? [];
  if (missing.length > 0)
    throw new HubError(`${what}: the repository has no ${missing.join(', ')}`, undefined, false);
  return { repo, revision, sha: info.sha, files: wanted };
}
