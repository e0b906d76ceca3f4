/**
 * The paths the user chose in main — through a native dialog, a drop, the command line or `open-file`. The
 * renderer names files only by these: a compromised page cannot ask main to read anything else. A picked
 * folder (a project) admits what is inside it; a picked file admits only itself.
 */
import { normalize, relative, isAbsolute, sep } from 'node:path';

export class PickedPaths {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly folderListeners = new Set<(folder: string) => void>();
  /** Paths a save dialog picked, each waiting for its one write (an export the page then sends). */
  private readonly saveTargets = new Set<string>();

  pickFile(path: string): void {
    this.files.add(normalize(path));
  }

  pickFolder(path: string): void {
    const folder = normalize(path);
    this.folders.add(folder);
    for (const listener of this.folderListeners) listener(folder);
  }

  /** Every picked folder, those picked so far and each one after: the app services admit them as project roots. */
  onFolder(listener: (folder: string) => void): void {
    for (const folder of this.folders) listener(folder);
    this.folderListeners.add(listener);
  }

  pickSaveTarget(path: string): void {
    this.saveTargets.add(normalize(path));
  }

  /** Whether `path` was picked in a save dialog and not written since; a true answer uses the pick up. */
  takeSaveTarget(path: string): boolean {
    return isAbsolute(path) && this.saveTargets.delete(normalize(path));
  }

  allows(path: string): boolean {
    if (!isAbsolute(path)) return false;
    const wanted = normalize(path);
    if (this.files.has(wanted) || this.folders.has(wanted)) return true;
    for (const folder of this.folders) {
      const inside = relative(folder, wanted);
      if (inside && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)) return true;
    }
    return false;
  }
}
