/**
 * Where a clicked menu item goes: a native dialog, the window or the app, or the page. Pure, so the routing is
 * tested in plain Node; `desktopShell.ts` performs the route with Electron.
 */
import type { ShellCommand } from '../../shared/contract';
import { EXPORT_COMMANDS, isExportCommand, type ExportFormat } from '../../shared/shellCommands';
import type { MenuCommand } from './menuModel';
import type { OpenTarget } from './openArgs';

export type MenuRoute =
  | { kind: 'openDialog'; target: OpenTarget['kind'] }
  | { kind: 'saveDialog'; format: ExportFormat }
  | { kind: 'open'; target: OpenTarget }
  | { kind: 'closeWindow' }
  | { kind: 'quit' }
  | { kind: 'openLogs' }
  | { kind: 'about' }
  | { kind: 'page'; command: ShellCommand };

export function routeMenuCommand(command: MenuCommand): MenuRoute {
  switch (command.kind) {
    case 'openRecent':
      return { kind: 'open', target: { kind: 'project', path: command.path } };
    case 'openLogs':
      return { kind: 'openLogs' };
    case 'about':
      return { kind: 'about' };
    case 'action': {
      const { id } = command;
      if (id === 'newFromImage') return { kind: 'openDialog', target: 'image' };
      if (id === 'openProject') return { kind: 'openDialog', target: 'project' };
      if (id === 'close') return { kind: 'closeWindow' };
      if (id === 'quit') return { kind: 'quit' };
      if (isExportCommand(id)) return { kind: 'saveDialog', format: EXPORT_COMMANDS[id] };
      return { kind: 'page', command: { id } };
    }
  }
}

/** The command that has the page export to the file main's save dialog picked. */
export function exportCommand(format: ExportFormat, path: string): ShellCommand {
  const id = Object.entries(EXPORT_COMMANDS).find(([, f]) => f === format)![0] as ShellCommand['id'];
  return { id, path };
}
