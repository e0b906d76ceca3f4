/**
 * What the native menus need to know about the page to enable their items. The renderer reports it after
 * each change; main rebuilds the menu from it. Plain data, checked on arrival (it crosses a process boundary).
 */
export type MenuState = {
  hasProject: boolean;
  /** A version is on the canvas, so there is something to export, compare or zoom. */
  hasImage: boolean;
  canUndo: boolean;
  canRedo: boolean;
  jobRunning: boolean;
  /** The viewed version has a parent to compare with. */
  canCompare: boolean;
  versionsPanel: boolean;
  editPanel: boolean;
  recent: { path: string; name: string }[];
};

export const INITIAL_MENU_STATE: MenuState = {
  hasProject: false,
  hasImage: false,
  canUndo: false,
  canRedo: false,
  jobRunning: false,
  canCompare: false,
  versionsPanel: true,
  editPanel: true,
  recent: [],
};

const FLAGS = [
  'hasProject',
  'hasImage',
  'canUndo',
  'canRedo',
  'jobRunning',
  'canCompare',
  'versionsPanel',
  'editPanel',
] as const;

/** A menu state from untrusted input: unknown or mistyped fields fall back to the initial state's. */
export function parseMenuState(value: unknown): MenuState {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const state: MenuState = { ...INITIAL_MENU_STATE, recent: [] };
  for (const flag of FLAGS) if (typeof input[flag] === 'boolean') state[flag] = input[flag];
  if (Array.isArray(input.recent)) {
    for (const item of input.recent.slice(0, 10)) {
      const { path, name } = (item ?? {}) as Record<string, unknown>;
      if (typeof path === 'string' && typeof name === 'string') state.recent.push({ path, name });
    }
  }
  return state;
}
