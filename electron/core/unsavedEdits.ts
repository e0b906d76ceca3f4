/**
 * Edits that finished but could not be saved because the disk was full. An edit can take minutes of compute,
 * so its result is kept here (in memory, per open project) instead of being thrown away, and saved when the
 * user asks again (`edit:saveAgain`) after freeing space. Lost only if the app quits first, and the error the
 * UI shows says so.
 */
import { CodedError } from '../shared/result';
import type { AddVersionInput, Project } from './projects/Project';

export class UnsavedEdits {
  #kept = new Map<string, AddVersionInput[]>();

  keep(handle: string, input: AddVersionInput): void {
    this.#kept.set(handle, [...(this.#kept.get(handle) ?? []), input]);
  }

  count(handle: string): number {
    return this.#kept.get(handle)?.length ?? 0;
  }

  /**
   * Saves the kept edits of one project, oldest first; each one saved is forgotten. Stops at the first that
   * fails (a disk still full), keeping it and the ones after it. Returns the new version ids.
   */
  async saveAgain(handle: string, project: Project): Promise<string[]> {
    const kept = this.#kept.get(handle) ?? [];
    if (kept.length === 0)
      throw new CodedError('INVALID_ARGUMENT', 'There is no unsaved edit to save in this project.');
    const saved: string[] = [];
    try {
      while (kept.length > 0) {
        saved.push((await project.addVersion(kept[0]!)).id);
        kept.shift();
      }
    } finally {
      if (kept.length === 0) this.#kept.delete(handle);
    }
    return saved;
  }
}
