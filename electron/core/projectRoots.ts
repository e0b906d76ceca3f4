/**
 * Which folders `project:open` may touch: those under the app's projects folder, those on the recent list,
 * and those the user picked in a native dialog (Electron main reports each with `allowPath`). Anything else
 * is refused before the file system is asked about it, with one answer for every such path, so a client
 * cannot learn whether it names a file, a folder or nothing.
 */
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { CodedError } from '../shared/result';

const within = (root: string, path: string) =>
  path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

const canonical = (path: string) => realpath(path).catch(() => path);

export class ProjectRoots {
  #picked = new Set<string>();

  constructor(
    private readonly projectsDir: string,
    private readonly recentPaths: () => Promise<readonly string[]>,
  ) {}

  /** A folder the user picked in a native dialog: it and everything under it may be opened from now on. */
  allowPath(path: string): void {
    this.#picked.add(resolve(path));
  }

  /**
   * `path` made absolute when it may be opened; otherwise the refusal. Symlinks are followed only after the
   * path itself passed, and where they lead must pass too (a link in the projects folder cannot reach out).
   */
  async admit(path: string): Promise<string> {
    const abs = resolve(path);
    if (!(await this.#allows(abs, (p) => p))) throw outsideRoots();
    const real = await canonical(abs);
    if (real !== abs && !(await this.#allows(real, canonical))) throw outsideRoots();
    return abs;
  }

  async #allows(path: string, form: (root: string) => string | Promise<string>): Promise<boolean> {
    if (within(await form(resolve(this.projectsDir)), path)) return true;
    for (const picked of this.#picked) if (within(await form(picked), path)) return true;
    for (const recent of await this.recentPaths()) if ((await form(resolve(recent))) === path) return true;
    return false;
  }
}

function outsideRoots(): CodedError {
  return new CodedError(
    'PROJECT_NOT_FOUND',
    'There is no project this app may open at that path: open projects from Recent or the projects folder, or pick the folder in Open Project.',
  );
}
