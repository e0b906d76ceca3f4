/**
 * Comparing two versions: a before/after slider or side by side, and the changed-pixels overlay computed by
 * the app side (`version:diff`).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

export type CompareMode = 'off' | 'slider' | 'side';

export type DiffSummary = Readonly<{
  a: string;
  b: string;
  changedFraction: number;
  width: number;
  height: number;
}>;

export type CompareSlice = {
  compareMode: CompareMode;
  /** Before (left) and after (right). */
  compareA: string | null;
  compareB: string | null;
  /** Where the slider divides the image, 0 (all after) … 1 (all before). */
  comparePosition: number;
  showDiff: boolean;
  diff: DiffSummary | null;
  diffError: string | null;
  startCompare(mode: Exclude<CompareMode, 'off'>, a: string, b: string): void;
  stopCompare(): void;
  setComparePosition(position: number): void;
  setShowDiff(show: boolean): void;
  setDiff(diff: DiffSummary | null, error?: string | null): void;
};

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set) => ({
  compareMode: 'off',
  compareA: null,
  compareB: null,
  comparePosition: 0.5,
  showDiff: false,
  diff: null,
  diffError: null,
  startCompare: (mode, a, b) => set({ compareMode: mode, compareA: a, compareB: b }),
  stopCompare: () => set({ compareMode: 'off', showDiff: false }),
  setComparePosition: (p) => set({ comparePosition: Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0.5 }),
  setShowDiff: (showDiff) => set({ showDiff }),
  setDiff: (diff, error = null) => set({ diff, diffError: error }),
});

/** The pair to compare by default: the viewed version against its parent. */
export function defaultComparePair(s: AppState): { a: string; b: string } | null {
  const viewed = s.project?.versions.find((v) => v.id === s.viewedId);
  if (!viewed?.parentId) return null;
  return { a: viewed.parentId, b: viewed.id };
}
