import { describe, expect, it } from 'vitest';
import { shellCommandSchema } from '../../shared/contract';
import { INITIAL_MENU_STATE } from '../../shared/menuState';
import { MAIN_ONLY_COMMANDS } from '../../shared/shellCommands';
import type { ShortcutId } from '../../shared/shortcuts';
import { buildMenuModel, type MenuCommand, type MenuNode } from './menuModel';
import { exportCommand, routeMenuCommand } from './menuRouting';

function commands(nodes: MenuNode[]): MenuCommand[] {
  return nodes.flatMap((n) => {
    if (n.type === 'separator') return [];
    if (n.type === 'submenu') return commands(n.submenu);
    return n.command ? [n.command] : [];
  });
}

describe('menu command routing', () => {
  it('sends every menu action main does not answer itself to the page, as a valid shell:command', () => {
    const state = { ...INITIAL_MENU_STATE, recent: [{ path: '/p/rabbit', name: 'rabbit' }] };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const toPage = commands(buildMenuModel(state, platform, 'Q'))
        .map(routeMenuCommand)
        .flatMap((route) => (route.kind === 'page' ? [route.command] : []));
      for (const command of toPage) expect(shellCommandSchema.parse(command)).toEqual(command);
      const ids = toPage.map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining(['undo', 'redo', 'zoomIn', 'compare', 'run', 'cancel']));
      expect(ids).toEqual(
        expect.arrayContaining(['variations', 'toggleVersions', 'toggleEdit', 'shortcuts']),
      );
      for (const id of [...MAIN_ONLY_COMMANDS, 'exportPng', 'exportJpeg', 'exportWebp'])
        expect(ids).not.toContain(id);
    }
  });

  it('answers dialogs, the window, the app, logs, About and recent projects in main', () => {
    const action = (id: ShortcutId) => routeMenuCommand({ kind: 'action', id });
    expect(action('newFromImage')).toEqual({ kind: 'openDialog', target: 'image' });
    expect(action('openProject')).toEqual({ kind: 'openDialog', target: 'project' });
    expect(action('exportPng')).toEqual({ kind: 'saveDialog', format: 'png' });
    expect(action('exportJpeg')).toEqual({ kind: 'saveDialog', format: 'jpeg' });
    expect(action('exportWebp')).toEqual({ kind: 'saveDialog', format: 'webp' });
    expect(action('close')).toEqual({ kind: 'closeWindow' });
    expect(action('quit')).toEqual({ kind: 'quit' });
    expect(routeMenuCommand({ kind: 'openLogs' })).toEqual({ kind: 'openLogs' });
    expect(routeMenuCommand({ kind: 'about' })).toEqual({ kind: 'about' });
    expect(routeMenuCommand({ kind: 'openRecent', path: '/p/rabbit' })).toEqual({
      kind: 'open',
      target: { kind: 'project', path: '/p/rabbit' },
    });
  });

  it('hands the page the save dialog path under the export item of the picked format', () => {
    expect(exportCommand('png', '/out/a.png')).toEqual({ id: 'exportPng', path: '/out/a.png' });
    expect(exportCommand('jpeg', '/out/a.jpg')).toEqual({ id: 'exportJpeg', path: '/out/a.jpg' });
    expect(exportCommand('webp', '/out/a.webp')).toEqual({ id: 'exportWebp', path: '/out/a.webp' });
    for (const format of ['png', 'jpeg', 'webp'] as const)
      expect(shellCommandSchema.safeParse(exportCommand(format, '/x')).success).toBe(true);
  });
});
