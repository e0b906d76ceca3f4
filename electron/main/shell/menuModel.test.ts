import { describe, expect, it } from 'vitest';
import { INITIAL_MENU_STATE, parseMenuState, type MenuState } from '../../shared/menuState';
import { SHORTCUT, SHORTCUTS, isPlainKey } from '../../shared/shortcuts';
import { aboutText, buildMenuModel, type MenuNode } from './menuModel';

type Item = Extract<MenuNode, { type: 'item' | 'checkbox' }>;

/** Every clickable item, with the path of menu labels leading to it. */
function items(nodes: MenuNode[], path: string[] = []): (Item & { path: string })[] {
  return nodes.flatMap((n) => {
    if (n.type === 'separator') return [];
    const here = [...path, n.label.replace('&', '')];
    return n.type === 'submenu' ? items(n.submenu, here) : [{ ...n, path: here.join(' ▸ ') }];
  });
}
const byAction = (nodes: MenuNode[], id: string) =>
  items(nodes).find((i) => i.command?.kind === 'action' && i.command.id === id)!;
const state = (over: Partial<MenuState>): MenuState => ({ ...INITIAL_MENU_STATE, ...over });

describe('menu model', () => {
  it('has the File, Edit, View, Run and Help menus, with the macOS app menu only on macOS', () => {
    const tops = (p: NodeJS.Platform) =>
      buildMenuModel(INITIAL_MENU_STATE, p, 'Qwen Edit Studio').map((n) =>
        n.type === 'separator' ? '' : n.label,
      );
    expect(tops('linux')).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(tops('win32')).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(tops('darwin')).toEqual(['Qwen Edit Studio', 'File', 'Edit', 'View', 'Run', 'Window', 'Help']);
    const quit = (p: NodeJS.Platform) => byAction(buildMenuModel(INITIAL_MENU_STATE, p, 'Q'), 'quit').path;
    expect(quit('linux')).toBe('File ▸ Quit');
    expect(quit('darwin')).toBe('Q ▸ Quit Q');
  });

  it('enables items from the app state', () => {
    const empty = buildMenuModel(INITIAL_MENU_STATE, 'linux', 'Q');
    for (const id of ['exportPng', 'undo', 'redo', 'zoomIn', 'compare', 'run', 'cancel', 'variations'])
      expect(byAction(empty, id).enabled, id).toBe(false);
    for (const id of ['newFromImage', 'openProject', 'close', 'quit', 'shortcuts'])
      expect(byAction(empty, id).enabled, id).toBe(true);
    const openRecent = empty[0]!.type === 'submenu' && empty[0]!.submenu[2];
    expect(openRecent).toMatchObject({ label: 'Open recent', enabled: false });

    const editing = buildMenuModel(
      state({
        hasProject: true,
        hasImage: true,
        canUndo: true,
        canCompare: true,
        recent: [{ path: '/p/a', name: 'a' }],
      }),
      'linux',
      'Q',
    );
    for (const id of ['exportPng', 'exportWebp', 'undo', 'zoomFit', 'compare', 'run', 'variations'])
      expect(byAction(editing, id).enabled, id).toBe(true);
    expect(byAction(editing, 'redo').enabled).toBe(false);
    expect(byAction(editing, 'cancel').enabled).toBe(false);
    expect(items(editing).find((i) => i.command?.kind === 'openRecent')).toMatchObject({
      path: 'File ▸ Open recent ▸ a',
      command: { kind: 'openRecent', path: '/p/a' },
    });

    // While an edit runs: Cancel, not Run; opening another image or project waits.
    const running = buildMenuModel(
      state({ hasProject: true, hasImage: true, jobRunning: true }),
      'linux',
      'Q',
    );
    expect(byAction(running, 'run').enabled).toBe(false);
    expect(byAction(running, 'cancel').enabled).toBe(true);
    expect(byAction(running, 'newFromImage').enabled).toBe(false);
  });

  it('shows the panels as checkboxes that follow the state', () => {
    const model = buildMenuModel(
      state({ hasProject: true, versionsPanel: false, editPanel: true }),
      'linux',
      'Q',
    );
    expect(byAction(model, 'toggleVersions')).toMatchObject({
      type: 'checkbox',
      checked: false,
      enabled: true,
    });
    expect(byAction(model, 'toggleEdit')).toMatchObject({ type: 'checkbox', checked: true });
  });

  it("takes every accelerator from the shared shortcut table, and leaves plain keys to the page's text fields", () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const menu = items(buildMenuModel(INITIAL_MENU_STATE, platform, 'Q'));
      for (const item of menu) {
        if (item.command?.kind !== 'action') continue;
        const table = SHORTCUT[item.command.id].accelerator;
        if (!table) expect(item.accelerator, item.path).toBeUndefined();
        else if (!isPlainKey(table)) {
          expect(item.accelerator, item.path).toBe(table);
          expect(item.registerAccelerator, item.path).toBeUndefined();
        } else if (platform === 'darwin') expect(item.accelerator, item.path).toBeUndefined();
        else expect(item, item.path).toMatchObject({ accelerator: table, registerAccelerator: false });
      }
    }
    // Every menu-worthy shortcut is in a menu (tool letters live in the tool bar and the sheet).
    const inMenu = new Set(
      items(buildMenuModel(INITIAL_MENU_STATE, 'linux', 'Q')).flatMap((i) =>
        i.command?.kind === 'action' ? [i.command.id] : [],
      ),
    );
    expect(SHORTCUTS.filter((s) => s.group !== 'Tools' && !inMenu.has(s.id)).map((s) => s.id)).toEqual([]);
  });

  it('takes the page state only as the expected plain data', () => {
    expect(
      parseMenuState({ hasImage: true, canUndo: 'yes', recent: [{ path: '/a', name: 'a' }, { path: 3 }] }),
    ).toEqual({ ...INITIAL_MENU_STATE, hasImage: true, recent: [{ path: '/a', name: 'a' }] });
    expect(parseMenuState(null)).toEqual(INITIAL_MENU_STATE);
  });

  it('names every version in About', () => {
    expect(aboutText({ app: '0.1.0', electron: '45.5.0', ort: '1.30.0', model: 'tiny (demo)' })).toBe(
      'Version 0.1.0\nElectron 45.5.0\nONNX Runtime 1.30.0\nModel: tiny (demo)',
    );
  });
});
