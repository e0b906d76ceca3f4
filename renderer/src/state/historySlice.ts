/**
 * UI undo/redo for canvas-level actions (mask strokes and boxes, labels, head moves, branch deletions),
 * separate from the version tree. Entries are plain data; region entries are applied here, the others by
 * the editor's actions (they need the app side).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';
import type { RegionState } from './regionSlice';

export type HistoryEntry =
  | Readonly<{ kind: 'region'; label: string; before: RegionState; after: RegionState }>
  | Readonly<{ kind: 'label'; label: string; versionId: string; before: string | null; after: string | null }>
  | Readonly<{ kind: 'head'; label: string; before: string; after: string }>
  | Readonly<{ kind: 'delete'; label: string; versionId: string; headBefore: string }>;

/** Enough for a session of strokes; the oldest entries drop off. */
export const MAX_HISTORY = 100;

export type HistorySlice = {
  past: readonly HistoryEntry[];
  future: readonly HistoryEntry[];
  recordHistory(entry: HistoryEntry): void;
  /** Pops the newest entry onto the redo stack and returns it (region entries are applied already). */
  takeUndo(): HistoryEntry | null;
  takeRedo(): HistoryEntry | null;
  /** Drops entries that can no longer be applied (e.g. a deletion after its undo window). */
  forgetHistory(match: (entry: HistoryEntry) => boolean): void;
  clearHistory(): void;
};

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set, get) => ({
  past: [],
  future: [],
  recordHistory: (entry) => set({ past: [...get().past, entry].slice(-MAX_HISTORY), future: [] }),
  takeUndo: () => {
    const past = get().past;
    const entry = past.at(-1);
    if (!entry) return null;
    set({ past: past.slice(0, -1), future: [...get().future, entry] });
    if (entry.kind === 'region') set({ region: entry.before });
    return entry;
  },
  takeRedo: () => {
    const future = get().future;
    const entry = future.at(-1);
    if (!entry) return null;
    set({ future: future.slice(0, -1), past: [...get().past, entry] });
    if (entry.kind === 'region') set({ region: entry.after });
    return entry;
  },
  forgetHistory: (match) =>
    set({ past: get().past.filter((e) => !match(e)), future: get().future.filter((e) => !match(e)) }),
  clearHistory: () => set({ past: [], future: [] }),
});
