/** The canvas tools and the letter that picks each one (once a project is open). */
import type { CanvasTool } from '../state/toolSlice';
import { isMod, type KeyBinding } from './keyBinding';

export const TOOLS: readonly { tool: CanvasTool; label: string; key: string; hint: string }[] = [
  { tool: 'navigate', label: 'Move', key: 'V', hint: 'Pan and zoom; the region is left alone' },
  { tool: 'box', label: 'Box', key: 'M', hint: 'Drag a box: the edit may only change pixels inside it' },
  { tool: 'brush', label: 'Brush', key: 'B', hint: 'Paint the area the edit may change' },
  { tool: 'erase', label: 'Eraser', key: 'E', hint: 'Remove painted area' },
  { tool: 'text', label: 'Text', key: 'T', hint: 'Select a text area, then type the old and the new text' },
];

export const TOOL_KEYS: KeyBinding<unknown>[] = TOOLS.map(({ tool, key }) => ({
  keyTest: (e, s) => !isMod(e) && !e.altKey && e.key.toLowerCase() === key.toLowerCase() && !!s.project,
  perform: (_, s) => s.setTool(tool),
}));
