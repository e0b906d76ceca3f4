/**
 * The native menus as plain data, built from the page's state: which items exist on this platform, which are
 * enabled, and their accelerators — taken from the shared shortcut table, never typed here. `menu.ts` turns
 * the model into Electron's Menu; this file imports no Electron, so it is tested in plain Node.
 */
import type { MenuState } from '../../shared/menuState';
import { isPlainKey, SHORTCUT, type ShortcutId } from '../../shared/shortcuts';

/** What clicking an item asks for: a table action (sent to the page), or something main does itself. */
export type MenuCommand =
  | { kind: 'action'; id: ShortcutId }
  | { kind: 'openRecent'; path: string }
  | { kind: 'openLogs' }
  | { kind: 'about' };

export type MenuRole =
  | 'appMenu'
  | 'windowMenu'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'togglefullscreen'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'about';

export type MenuNode =
  | { type: 'separator' }
  | {
      type: 'item' | 'checkbox';
      label: string;
      enabled: boolean;
      checked?: boolean;
      accelerator?: string;
      /** False for plain keys (digits, letters, Esc): the page's text fields need them, the page's bindings act. */
      registerAccelerator?: boolean;
      command?: MenuCommand;
      role?: MenuRole;
    }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: MenuNode[]; role?: MenuRole };

const separator: MenuNode = { type: 'separator' };

function action(id: ShortcutId, enabled: boolean, platform: NodeJS.Platform, label?: string): MenuNode {
  const shortcut = SHORTCUT[id];
  const node: MenuNode = {
    type: 'item',
    label: label ?? shortcut.label,
    enabled,
    command: { kind: 'action', id },
  };
  const accelerator = shortcut.accelerator;
  if (accelerator) {
    if (!isPlainKey(accelerator)) node.accelerator = accelerator;
    // macOS cannot show an accelerator without registering it, and a registered "1" would never reach the
    // prompt field; there the key is left to the page (the "?" sheet lists it).
    else if (platform !== 'darwin') Object.assign(node, { accelerator, registerAccelerator: false });
  }
  return node;
}

function role(role: MenuRole, label: string, enabled = true): MenuNode {
  return { type: 'item', label, enabled, role };
}

export function buildMenuModel(state: MenuState, platform: NodeJS.Platform, appName: string): MenuNode[] {
  const mac = platform === 'darwin';
  const canRun = state.hasImage && !state.jobRunning;
  const a = (id: ShortcutId, enabled: boolean, label?: string) => action(id, enabled, platform, label);

  const file: MenuNode[] = [
    a('newFromImage', !state.jobRunning),
    a('openProject', !state.jobRunning),
    {
      type: 'submenu',
      label: 'Open recent',
      enabled: state.recent.length > 0 && !state.jobRunning,
      submenu: state.recent.map((r) => ({
        type: 'item' as const,
        label: r.name,
        enabled: true,
        command: { kind: 'openRecent' as const, path: r.path },
      })),
    },
    {
      type: 'submenu',
      label: 'Export',
      enabled: state.hasImage,
      submenu: [
        a('exportPng', state.hasImage, 'PNG…'),
        a('exportJpeg', state.hasImage, 'JPEG…'),
        a('exportWebp', state.hasImage, 'WebP…'),
      ],
    },
    separator,
    a('close', true),
    ...(mac ? [] : [separator, a('quit', true)]),
  ];

  const edit: MenuNode[] = [
    a('undo', state.canUndo),
    a('redo', state.canRedo),
    separator,
    role('cut', 'Cut'),
    role('copy', 'Copy'),
    role('paste', 'Paste'),
    role('selectAll', 'Select all'),
  ];

  const view: MenuNode[] = [
    a('zoomIn', state.hasImage),
    a('zoomOut', state.hasImage),
    a('zoomFit', state.hasImage),
    a('zoomActual', state.hasImage),
    separator,
    a('compare', state.canCompare),
    { ...a('toggleVersions', state.hasProject), type: 'checkbox', checked: state.versionsPanel } as MenuNode,
    { ...a('toggleEdit', state.hasProject), type: 'checkbox', checked: state.editPanel } as MenuNode,
    separator,
    role('togglefullscreen', 'Full screen'),
  ];

  const run: MenuNode[] = [a('run', canRun), a('cancel', state.jobRunning), a('variations', canRun)];

  const help: MenuNode[] = [
    a('shortcuts', true),
    { type: 'item', label: 'Open logs folder', enabled: true, command: { kind: 'openLogs' } },
    ...(mac
      ? []
      : [
          separator,
          {
            type: 'item' as const,
            label: `About ${appName}`,
            enabled: true,
            command: { kind: 'about' as const },
          },
        ]),
  ];

  const appMenu: MenuNode[] = mac
    ? [
        {
          type: 'submenu',
          label: appName,
          enabled: true,
          role: 'appMenu',
          submenu: [
            { type: 'item', label: `About ${appName}`, enabled: true, command: { kind: 'about' } },
            separator,
            role('services', 'Services'),
            separator,
            role('hide', `Hide ${appName}`),
            role('hideOthers', 'Hide others'),
            role('unhide', 'Show all'),
            separator,
            { ...a('quit', true), label: `Quit ${appName}` } as MenuNode,
          ],
        },
      ]
    : [];

  return [
    ...appMenu,
    { type: 'submenu', label: mac ? 'File' : '&File', enabled: true, submenu: file },
    { type: 'submenu', label: mac ? 'Edit' : '&Edit', enabled: true, submenu: edit },
    { type: 'submenu', label: mac ? 'View' : '&View', enabled: true, submenu: view },
    { type: 'submenu', label: mac ? 'Run' : '&Run', enabled: true, submenu: run },
    ...(mac
      ? [
          {
            type: 'submenu' as const,
            label: 'Window',
            enabled: true,
            role: 'windowMenu' as const,
            submenu: [],
          },
        ]
      : []),
    { type: 'submenu', label: mac ? 'Help' : '&Help', enabled: true, submenu: help },
  ];
}

/** The About dialog's text: every version a bug report needs. */
export function aboutText(v: {
  app: string;
  electron: string;
  ort: string | null;
  model: string | null;
}): string {
  return [
    `Version ${v.app}`,
    `Electron ${v.electron}`,
    `ONNX Runtime ${v.ort ?? '(engine not started)'}`,
    `Model: ${v.model ?? '(none loaded)'}`,
  ].join('\n');
}
