/**
 * The paths the user chose in main — through a native dialog, a drop, the command line or `open-file`. The
 * renderer names files only by these: a compromised page cannot ask main to read anything else. A picked
 * folder (a project) admits what is inside it; a picked file admits only itself.
 */
import { normalize, relative, isAbsolute, sep } from 'node:path';

export class PickedPaths {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  pickFile(path: string): void {
    this.files.add(normalize(path));
  }

  pickFolder(path: string): void {
    this.folders.add(normalize(path));
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
