/**
 * Variations (issue 13 §1): how many seeds a Run makes, and the grid of their results the user keeps some of.
 * The results are versions already (siblings under one parent); keeping picks which stay in the tree.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

export const BATCH_RANGE = { min: 1, max: 8 } as const;

export type VariationsGrid = Readonly<{
  parentId: string;
  /** The new versions in seed order. */
  ids: readonly string[];
  picked: readonly string[];
  /** The cell the arrow keys are on. */
  focus: number;
}>;

export type VariationsSlice = {
  batchCount: number;
  variations: VariationsGrid | null;
  setBatchCount(count: number): void;
  showVariations(parentId: string, ids: readonly string[]): void;
  togglePick(id: string): void;
  /** Moves the focused cell by `delta` (clamped to the grid). */
  moveFocus(delta: number): void;
  closeVariations(): void;
};

export const createVariationsSlice: StateCreator<AppState, [], [], VariationsSlice> = (set, get) => ({
  batchCount: 1,
  variations: null,
  setBatchCount: (count) =>
    set({
      batchCount: Number.isFinite(count)
        ? Math.min(BATCH_RANGE.max, Math.max(BATCH_RANGE.min, Math.round(count)))
        : BATCH_RANGE.min,
    }),
  showVariations: (parentId, ids) => set({ variations: { parentId, ids, picked: [], focus: 0 } }),
  togglePick: (id) => {
    const grid = get().variations;
    if (!grid || !grid.ids.includes(id)) return;
    const picked = grid.picked.includes(id) ? grid.picked.filter((p) => p !== id) : [...grid.picked, id];
    // Kept in grid order, so the kept versions keep their seed order.
    set({ variations: { ...grid, picked: grid.ids.filter((v) => picked.includes(v)) } });
  },
  moveFocus: (delta) => {
    const grid = get().variations;
    if (!grid) return;
    set({ variations: { ...grid, focus: Math.min(grid.ids.length - 1, Math.max(0, grid.focus + delta)) } });
  },
  closeVariations: () => set({ variations: null }),
});
