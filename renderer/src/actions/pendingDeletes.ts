/**
 * Branch deletions waiting out their undo window: each commits when its timer fires, when another project is
 * opened, or on demand (`commitAll`); until then it can be taken back.
 */
type Pending = { timer: ReturnType<typeof setTimeout>; commit: () => Promise<void> };

export class PendingDeletes {
  readonly #pending = new Map<string, Pending>();

  add(versionId: string, delayMs: number, commit: () => Promise<void>): void {
    const run = () => {
      this.#pending.delete(versionId);
      return commit();
    };
    this.#pending.set(versionId, { timer: setTimeout(() => void run(), delayMs), commit: run });
  }

  /** Cancels a pending deletion; false when there was none (it already ran). */
  take(versionId: string): boolean {
    const pending = this.#pending.get(versionId);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.#pending.delete(versionId);
    return true;
  }

  async commitAll(): Promise<void> {
    const all = [...this.#pending.values()];
    for (const { timer } of all) clearTimeout(timer);
    await Promise.all(all.map((p) => p.commit()));
  }
}
