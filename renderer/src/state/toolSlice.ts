/**
 * The canvas tool in use, the brush size, and the text tool's fields (the instruction it composes).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';
import type { Box } from './regionSlice';

export type CanvasTool = 'navigate' | 'box' | 'brush' | 'lasso' | 'erase' | 'text';

export type TextToolState = Readonly<{
  box: Box | null;
  current: string;
  next: string;
  /** The instruction the user will run; composed from the fields until they edit it by hand. */
  instruction: string;
  instructionEdited: boolean;
}>;

export type ToolSlice = {
  tool: CanvasTool;
  brushSize: number;
  text: TextToolState;
  setTool(tool: CanvasTool): void;
  setBrushSize(size: number): void;
  setTextBox(box: Box | null): void;
  setTextFields(fields: { current?: string; next?: string }): void;
  setInstruction(instruction: string): void;
  /** A new project starts without the previous one's text box (the tool and brush size stay). */
  resetTextTool(): void;
};

const EMPTY_TEXT: TextToolState = {
  box: null,
  current: '',
  next: '',
  instruction: '',
  instructionEdited: false,
};

export const createToolSlice: StateCreator<AppState, [], [], ToolSlice> = (set, get) => ({
  tool: 'navigate',
  brushSize: 24,
  text: EMPTY_TEXT,
  setTool: (tool) => set({ tool }),
  setBrushSize: (size) => set({ brushSize: Math.min(400, Math.max(1, Math.round(size))) }),
  setTextBox: (box) => set({ text: { ...get().text, box } }),
  setTextFields: (fields) => {
    const text = { ...get().text, ...fields };
    set({
      text: text.instructionEdited
        ? text
        : { ...text, instruction: composeTextInstruction(text.current, text.next) },
    });
  },
  resetTextTool: () => set({ text: EMPTY_TEXT }),
  setInstruction: (instruction) => {
    const composed = composeTextInstruction(get().text.current, get().text.next);
    set({ text: { ...get().text, instruction, instructionEdited: instruction !== composed } });
  },
});

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
