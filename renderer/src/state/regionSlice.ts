/**
 * Where the next edit may change pixels (design.md §5): a box and/or brushed mask strokes in image pixels,
 * plus the canvas tool in use and the text tool's fields. Region changes are recorded for UI undo.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

export type CanvasTool = 'navigate' | 'box' | 'brush' | 'erase' | 'text';
export type Box = Readonly<{ x: number; y: number; width: number; height: number }>;
export type Stroke = Readonly<{ mode: 'paint' | 'erase'; radius: number; points: readonly number[] }>;
/** The region as plain data: what the history records and restores. */
export type RegionState = Readonly<{ box: Box | null; strokes: readonly Stroke[] }>;

export const EMPTY_REGION: RegionState = { box: null, strokes: [] };

export type TextToolState = Readonly<{
  box: Box | null;
  current: string;
  next: string;
  /** The instruction the user will run; composed from the fields until they edit it by hand. */
  instruction: string;
  instructionEdited: boolean;
}>;

export type RegionSlice = {
  tool: CanvasTool;
  region: RegionState;
  brushSize: number;
  maskVisible: boolean;
  text: TextToolState;
  setTool(tool: CanvasTool): void;
  /** Replaces the region; `record` puts the change on the UI undo stack. */
  setRegion(region: RegionState, record?: boolean): void;
  setBox(box: Box | null): void;
  addStroke(stroke: Stroke): void;
  clearRegion(): void;
  setBrushSize(size: number): void;
  setMaskVisible(visible: boolean): void;
  setTextBox(box: Box | null): void;
  setTextFields(fields: { current?: string; next?: string }): void;
  setInstruction(instruction: string): void;
};

/** A box from two corner points, clamped to the image and at least one pixel wide. */
export function boxFromPoints(
  a: { x: number; y: number },
  b: { x: number; y: number },
  image: { width: number; height: number },
): Box | null {
  const x0 = Math.max(0, Math.min(a.x, b.x));
  const y0 = Math.max(0, Math.min(a.y, b.y));
  const x1 = Math.min(image.width, Math.max(a.x, b.x));
  const y1 = Math.min(image.height, Math.max(a.y, b.y));
  const x = Math.floor(x0);
  const y = Math.floor(y0);
  const width = Math.ceil(x1) - x;
  const height = Math.ceil(y1) - y;
  return width >= 1 && height >= 1 ? { x, y, width, height } : null;
}

export function hasRegion(region: RegionState): boolean {
  return region.box !== null || region.strokes.some((s) => s.mode === 'paint');
}

export const createRegionSlice: StateCreator<AppState, [], [], RegionSlice> = (set, get) => {
  const change = (region: RegionState, record: boolean) => {
    const before = get().region;
    if (before === region) return;
    set({ region });
    if (record) get().recordHistory({ kind: 'region', label: 'region', before, after: region });
  };
  return {
    tool: 'navigate',
    region: EMPTY_REGION,
    brushSize: 24,
    maskVisible: true,
    text: { box: null, current: '', next: '', instruction: '', instructionEdited: false },
    setTool: (tool) => set({ tool }),
    setRegion: (region, record = true) => change(region, record),
    setBox: (box) => change({ ...get().region, box }, true),
    addStroke: (stroke) => change({ ...get().region, strokes: [...get().region.strokes, stroke] }, true),
    clearRegion: () => {
      if (hasRegion(get().region) || get().region.strokes.length > 0) change(EMPTY_REGION, true);
    },
    setBrushSize: (size) => set({ brushSize: Math.min(400, Math.max(1, Math.round(size))) }),
    setMaskVisible: (maskVisible) => set({ maskVisible }),
    setTextBox: (box) => set({ text: { ...get().text, box } }),
    setTextFields: (fields) => {
      const text = { ...get().text, ...fields };
      set({
        text: text.instructionEdited
          ? text
          : { ...text, instruction: composeTextInstruction(text.current, text.next) },
      });
    },
    setInstruction: (instruction) => {
      const composed = composeTextInstruction(get().text.current, get().text.next);
      set({ text: { ...get().text, instruction, instructionEdited: instruction !== composed } });
    },
  };
};

/** Han, kana, hangul and CJK punctuation: text the model should be asked about in Chinese. */
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * The instruction in the form Qwen-Image-Edit is known to follow for text: the old and new strings quoted
 * exactly, in Chinese when either string is CJK (the model was trained on both phrasings).
 */
export function composeTextInstruction(current: string, next: string): string {
  const from = current.trim();
  const to = next.trim();
  if (!from && !to) return '';
  const chinese = containsCjk(from) || containsCjk(to);
  if (chinese) {
    if (!from) return `添加文字"${to}"`;
    if (!to) return `删除文字"${from}"`;
    return `将文字"${from}"替换为"${to}"`;
  }
  if (!from) return `Add the text "${to}"`;
  if (!to) return `Remove the text "${from}"`;
  return `Replace the text "${from}" with "${to}"`;
}
