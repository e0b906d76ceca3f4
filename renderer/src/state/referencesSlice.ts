/**
 * The reference images beside the canvas image (issue 11): the canvas image is "Picture 1", these are
 * "Picture 2" onwards, in order. Their file bytes stay here until a run sends them; reordering or removing
 * one renames the pictures the instruction mentions, so it keeps meaning the same images.
 */
import type { StateCreator } from 'zustand/vanilla';
import { EDIT_LIMITS } from '../../../electron/shared/editVocabulary';
import type { AppState } from './appStore';

export type ReferenceImage = Readonly<{ id: string; name: string; bytes: Uint8Array; mime: string }>;

export const MAX_REFERENCES = EDIT_LIMITS.references.max;

/** The name upstream's template gives the image at `index` (0 is the canvas image). */
export const pictureName = (index: number) => `Picture ${index + 1}`;

/** `prompt` with every "Picture n" whose number `renumber` maps (1-based) replaced, in one pass. */
export function renamePictures(prompt: string, renumber: (n: number) => number): string {
  return prompt.replace(/\bPicture (\d+)\b/g, (text, n: string) => {
    const to = renumber(Number(n));
    return to === Number(n) ? text : `Picture ${to}`;
  });
}

/** `prompt` with `name` inserted at `at`, spaced from its neighbours; and where the caret goes after it. */
export function insertName(prompt: string, at: number, name: string): { prompt: string; caret: number } {
  const i = Math.max(0, Math.min(prompt.length, at));
  const before = i > 0 && !/\s/.test(prompt[i - 1]!) ? ' ' : '';
  const after = i < prompt.length && !/\s/.test(prompt[i]!) ? ' ' : '';
  const text = `${before}${name}${after}`;
  return { prompt: prompt.slice(0, i) + text + prompt.slice(i), caret: i + before.length + name.length };
}

export type ReferencesSlice = {
  references: readonly ReferenceImage[];
  /** Adds images after the last one; returns how many did not fit under the limit. */
  addReferences(images: readonly ReferenceImage[]): number;
  /** Moves a reference one place earlier (−1) or later (+1), swapping the two names in the instruction. */
  moveReference(id: string, by: -1 | 1): void;
  /** Removes a reference; the names of the ones after it move down by one in the instruction. */
  removeReference(id: string): void;
  setReferences(images: readonly ReferenceImage[]): void;
};

export const createReferencesSlice: StateCreator<AppState, [], [], ReferencesSlice> = (set, get) => ({
  references: [],
  addReferences: (images) => {
    const current = get().references;
    const room = Math.max(0, MAX_REFERENCES - current.length);
    set({ references: [...current, ...images.slice(0, room)] });
    return Math.max(0, images.length - room);
  },
  moveReference: (id, by) => {
    const list = [...get().references];
    const from = list.findIndex((r) => r.id === id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= list.length) return;
    [list[from], list[to]] = [list[to]!, list[from]!];
    // Picture numbers are 1-based and the canvas is Picture 1: reference i is Picture i + 2.
    const a = from + 2;
    const b = to + 2;
    set({
      references: list,
      prompt: renamePictures(get().prompt, (n) => (n === a ? b : n === b ? a : n)),
    });
  },
  removeReference: (id) => {
    const list = get().references;
    const index = list.findIndex((r) => r.id === id);
    if (index < 0) return;
    const removed = index + 2;
    set({
      references: list.filter((r) => r.id !== id),
      prompt: renamePictures(get().prompt, (n) => (n > removed ? n - 1 : n)),
    });
  },
  setReferences: (references) => set({ references: references.slice(0, MAX_REFERENCES) }),
});
