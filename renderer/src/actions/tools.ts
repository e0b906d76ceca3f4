/** The canvas tools and the letter that picks each one (once a project is open). */
import type { CanvasTool } from '../state/toolSlice';
import { SHORTCUT, type ShortcutId } from '../../../electron/shared/shortcuts';
import type { KeyBinding } from './keyBinding';

export const TOOLS: readonly {
  tool: CanvasTool;
  label: string;
  key: string;
  shortcut: ShortcutId;
  hint: string;
}[] = [
  {
    tool: 'navigate',
    label: 'Move',
    key: 'V',
    shortcut: 'toolMove',
    hint: 'Pan and zoom; the region is left alone',
  },
  {
    tool: 'box',
    label: 'Box',
    key: 'M',
    shortcut: 'toolBox',
    hint: 'Drag a box: the edit may only change pixels inside it',
  },
  {
    tool: 'brush',
    label: 'Brush',
    key: 'B',
    shortcut: 'toolBrush',
    hint: 'Paint the area the edit may change',
  },
  {
    tool: 'lasso',
    label: 'Lasso',
    key: 'L',
    shortcut: 'toolLasso',
    hint: 'Draw around the area the edit may change (Alt: cut it out)',
  },
  { tool: 'erase', label: 'Eraser', key: 'E', shortcut: 'toolErase', hint: 'Remove painted area' },
  {
    tool: 'text',
    label: 'Text',
    key: 'T',
    shortcut: 'toolText',
    hint: 'Select a text area, then type the old and the new text',
  },
];

export const TOOL_KEYS: KeyBinding<unknown>[] = TOOLS.map(({ tool, shortcut }) => ({
  keyTest: (e, s) => SHORTCUT[shortcut].test(e) && !!s.project,
  perform: (_, s) => s.setTool(tool),
}));
