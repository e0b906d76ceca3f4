/**
 * The one table of keyboard shortcuts: the native menus take their accelerators from it, the renderer's key
 * bindings their key tests, and the "?" sheet its rows — so a key shown in a menu is the key the page obeys.
 * Pure data and pure functions: no DOM, no Electron.
 */

/** The parts of a KeyboardEvent a key test reads (a DOM event satisfies it; tests pass plain objects). */
export type KeyLike = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
};

export type ShortcutGroup = 'File' | 'Edit' | 'View' | 'Run' | 'Tools' | 'Help';

export type Shortcut = {
  id: ShortcutId;
  label: string;
  group: ShortcutGroup;
  /** Electron accelerator syntax; null where the action has no key (it still appears in the menu). */
  accelerator: string | null;
  /** Further keys that do the same, as the sheet shows them (Ctrl+Y redoes too). */
  alsoKeys?: string[];
  /** Whether a key press is this shortcut. */
  test(e: KeyLike): boolean;
};

/** Ctrl, or Cmd on macOS. */
export const isMod = (e: KeyLike) => e.ctrlKey || e.metaKey;
const plain = (e: KeyLike, ...keys: string[]) => !isMod(e) && !e.altKey && keys.includes(e.key);
const mod = (e: KeyLike, key: string, shift = false) =>
  isMod(e) && !e.altKey && e.shiftKey === shift && e.key.toLowerCase() === key;
const letter = (e: KeyLike, key: string) => !isMod(e) && !e.altKey && e.key.toLowerCase() === key;

const table = [
  {
    id: 'newFromImage',
    label: 'New from image…',
    group: 'File',
    accelerator: 'CmdOrCtrl+O',
    test: (e) => mod(e, 'o'),
  },
  {
    id: 'openProject',
    label: 'Open project…',
    group: 'File',
    accelerator: 'CmdOrCtrl+Shift+O',
    test: (e) => mod(e, 'o', true),
  },
  {
    id: 'exportPng',
    label: 'Export as PNG…',
    group: 'File',
    accelerator: 'CmdOrCtrl+E',
    test: (e) => mod(e, 'e'),
  },
  { id: 'exportJpeg', label: 'Export as JPEG…', group: 'File', accelerator: null, test: () => false },
  { id: 'exportWebp', label: 'Export as WebP…', group: 'File', accelerator: null, test: () => false },
  { id: 'close', label: 'Close', group: 'File', accelerator: 'CmdOrCtrl+W', test: (e) => mod(e, 'w') },
  { id: 'quit', label: 'Quit', group: 'File', accelerator: 'CmdOrCtrl+Q', test: (e) => mod(e, 'q') },
  { id: 'undo', label: 'Undo', group: 'Edit', accelerator: 'CmdOrCtrl+Z', test: (e) => mod(e, 'z') },
  {
    id: 'redo',
    label: 'Redo',
    group: 'Edit',
    accelerator: 'CmdOrCtrl+Shift+Z',
    alsoKeys: ['CmdOrCtrl+Y'],
    test: (e) => mod(e, 'z', true) || mod(e, 'y'),
  },
  {
    id: 'zoomIn',
    label: 'Zoom in',
    group: 'View',
    accelerator: 'Plus',
    alsoKeys: ['='],
    test: (e) => plain(e, '+', '='),
  },
  { id: 'zoomOut', label: 'Zoom out', group: 'View', accelerator: '-', test: (e) => plain(e, '-') },
  { id: 'zoomFit', label: 'Fit to window', group: 'View', accelerator: '0', test: (e) => plain(e, '0') },
  {
    id: 'zoomActual',
    label: 'Actual size (100 %)',
    group: 'View',
    accelerator: '1',
    test: (e) => plain(e, '1'),
  },
  { id: 'compare', label: 'Compare with parent', group: 'View', accelerator: null, test: () => false },
  {
    id: 'toggleVersions',
    label: 'Show versions panel',
    group: 'View',
    accelerator: 'CmdOrCtrl+1',
    test: (e) => mod(e, '1'),
  },
  {
    id: 'toggleEdit',
    label: 'Show edit panel',
    group: 'View',
    accelerator: 'CmdOrCtrl+2',
    test: (e) => mod(e, '2'),
  },
  { id: 'run', label: 'Run', group: 'Run', accelerator: 'CmdOrCtrl+Enter', test: (e) => mod(e, 'enter') },
  // Esc also leaves a comparison when no edit runs; the renderer's bindings decide which by state.
  { id: 'cancel', label: 'Cancel', group: 'Run', accelerator: 'Escape', test: (e) => e.key === 'Escape' },
  { id: 'variations', label: 'Variations…', group: 'Run', accelerator: null, test: () => false },
  { id: 'toolMove', label: 'Move tool', group: 'Tools', accelerator: 'V', test: (e) => letter(e, 'v') },
  { id: 'toolBox', label: 'Box tool', group: 'Tools', accelerator: 'M', test: (e) => letter(e, 'm') },
  { id: 'toolBrush', label: 'Brush tool', group: 'Tools', accelerator: 'B', test: (e) => letter(e, 'b') },
  { id: 'toolLasso', label: 'Lasso tool', group: 'Tools', accelerator: 'L', test: (e) => letter(e, 'l') },
  { id: 'toolErase', label: 'Eraser tool', group: 'Tools', accelerator: 'E', test: (e) => letter(e, 'e') },
  { id: 'toolText', label: 'Text tool', group: 'Tools', accelerator: 'T', test: (e) => letter(e, 't') },
  {
    id: 'shortcuts',
    label: 'Keyboard shortcuts',
    group: 'Help',
    accelerator: '?',
    test: (e) => plain(e, '?'),
  },
] as const satisfies readonly (Omit<Shortcut, 'id' | 'group'> & { id: string; group: ShortcutGroup })[];

export type ShortcutId = (typeof table)[number]['id'];

export const SHORTCUTS: readonly Shortcut[] = table as readonly Shortcut[];

export const SHORTCUT: Record<ShortcutId, Shortcut> = Object.fromEntries(
  SHORTCUTS.map((s) => [s.id, s]),
) as Record<ShortcutId, Shortcut>;

/**
 * Whether the key is one a page's text field needs (a letter, a digit, Esc): such shortcuts are shown in
 * menus but not registered with the system, or typing "1" in the prompt would zoom.
 */
export function isPlainKey(accelerator: string): boolean {
  return !/^(CmdOrCtrl|CommandOrControl|Cmd|Command|Ctrl|Control|Alt|Option|Super|Meta)\+/i.test(accelerator);
}

/** How the sheet writes an accelerator on this platform: ⌘⇧Z on macOS, Ctrl+Shift+Z elsewhere. */
export function keyLabel(accelerator: string, mac: boolean): string {
  const parts = accelerator.split('+').filter(Boolean);
  if (accelerator.endsWith('++')) parts.push('+');
  const names: Record<string, [string, string]> = {
    CmdOrCtrl: ['⌘', 'Ctrl'],
    Shift: ['⇧', 'Shift'],
    Alt: ['⌥', 'Alt'],
    Enter: ['↩', 'Enter'],
    Escape: ['Esc', 'Esc'],
    Plus: ['+', '+'],
  };
  const shown = parts.map((p) => names[p]?.[mac ? 0 : 1] ?? p);
  return mac ? shown.join('') : shown.join('+');
}
