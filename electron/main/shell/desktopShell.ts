/**
 * The desktop parts of the shell, wired to Electron: native menus, dialogs (whose picks become the only
 * paths the page may name), paths from the command line, a second launch and `open-file`, the remembered
 * window place, and the log files. The rules live in the pure modules beside this one.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { app, dialog, Menu, screen, shell } from 'electron';
import type { EventName, EventPayload } from '../../shared/contract';
import { INITIAL_MENU_STATE, parseMenuState, type MenuState } from '../../shared/menuState';
import type { ExportFormat } from '../../shared/shellCommands';
import { IPC_EVENT } from '../../shared/transport/ipcTransport';
import { createRotatingLog, lastLines } from './logFiles';
import { toTemplate } from './menu';
import { aboutText, buildMenuModel, type MenuCommand } from './menuModel';
import { exportCommand, routeMenuCommand } from './menuRouting';
import { classify, createOpenQueue, droppedTargets, openTargetsFromArgv, type OpenTarget } from './openArgs';
import { PickedPaths } from './pickedPaths';
import {
  readWindowState,
  rememberWindow,
  restoreWindow,
  writeWindowState,
  type SavedWindow,
} from './windowState';

/** The contract's events main sends the page. */
const SHELL_OPEN_EVENT = 'shell:open';
const SHELL_COMMAND_EVENT = 'shell:command';

const fsProbe = {
  exists: existsSync,
  isDirectory: (path: string) => existsSync(path) && statSync(path).isDirectory(),
};

export type DesktopShellOptions = {
  userData: string;
  appVersion: string;
  /** Versions for About; null where the engine has not said yet. */
  engineVersions(): Promise<{ ort: string | null; model: string | null }>;
};

export function createDesktopShell(options: DesktopShellOptions) {
  const logsDir = join(options.userData, 'logs');
  const logs = {
    main: createRotatingLog({ dir: logsDir, name: 'main' }),
    engine: createRotatingLog({ dir: logsDir, name: 'engine' }),
    renderer: createRotatingLog({ dir: logsDir, name: 'renderer' }),
  };
  const picked = new PickedPaths();
  const opens = createOpenQueue();
  const windowStateFile = join(options.userData, 'window-state.json');
  let window: BrowserWindow | null = null;
  let menuState: MenuState = INITIAL_MENU_STATE;

  const sendToPage = <E extends EventName>(name: E, payload: EventPayload<E>) =>
    window?.webContents.send(IPC_EVENT, name, payload);

  function open(targets: OpenTarget[]): void {
    for (const target of targets) {
      if (target.kind === 'project') picked.pickFolder(target.path);
      else picked.pickFile(target.path);
      logs.main.write('info', `open ${target.kind}`);
    }
    opens.push(targets);
  }

  async function pick(kind: OpenTarget['kind']): Promise<void> {
    if (!window) return;
    const answer = await dialog.showOpenDialog(window, {
      title: kind === 'image' ? 'New from image' : 'Open project',
      properties: kind === 'image' ? ['openFile'] : ['openDirectory'],
      filters: kind === 'image' ? [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp'] }] : [],
    });
    if (!answer.canceled) open(answer.filePaths.flatMap((p) => classify(p, fsProbe) ?? []));
  }

  async function pickExport(format: ExportFormat): Promise<void> {
    if (!window) return;
    const extension = format === 'jpeg' ? 'jpg' : format;
    const answer = await dialog.showSaveDialog(window, {
      title: 'Export',
      defaultPath: `edit.${extension}`,
      filters: [{ name: format.toUpperCase(), extensions: [extension] }],
    });
    if (answer.canceled || !answer.filePath) return;
    // The page exports the viewed version and sends the bytes back for this path (`shell:writeExport`).
    picked.pickSaveTarget(answer.filePath);
    sendToPage(SHELL_COMMAND_EVENT, exportCommand(format, answer.filePath));
  }

  async function showAbout(): Promise<void> {
    const engine = await options.engineVersions().catch(() => ({ ort: null, model: null }));
    const detail = aboutText({
      app: options.appVersion,
      electron: process.versions.electron ?? '?',
      ...engine,
    });
    await dialog.showMessageBox({ type: 'info', title: `About ${app.name}`, message: app.name, detail });
  }

  function onCommand(command: MenuCommand): void {
    const route = routeMenuCommand(command);
    switch (route.kind) {
      case 'openDialog':
        return void pick(route.target);
      case 'saveDialog':
        return void pickExport(route.format);
      case 'open':
        return open([route.target]);
      case 'closeWindow':
        return window?.close();
      case 'quit':
        return app.quit();
      case 'openLogs':
        return void shell.openPath(logsDir);
      case 'about':
        return void showAbout();
      case 'page':
        return sendToPage(SHELL_COMMAND_EVENT, route.command);
    }
  }

  function openFromArgv(argv: readonly string[], cwd: string): void {
    open(openTargetsFromArgv(argv, { cwd, defaultApp: Boolean(process.defaultApp), ...fsProbe }));
  }

  function rebuildMenu(): void {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(toTemplate(buildMenuModel(menuState, process.platform, app.name), onCommand)),
    );
  }

  return {
    logs,
    logsDir,
    picked,
    rebuildMenu,

    /** Takes the page's reported state (untrusted) and rebuilds the menus from it. */
    setMenuState(value: unknown): void {
      menuState = parseMenuState(value);
      rebuildMenu();
    },

    openFromArgv,

    /**
     * Paths the preload read off files dropped on the window: images and folders open (and are picked) like a
     * dialog's; says for each path whether it was taken.
     */
    openDropped(paths: unknown): boolean[] {
      const targets = droppedTargets(paths, fsProbe);
      const unique = new Map(targets.flatMap((t) => (t ? [[t.path, t] as const] : [])));
      open([...unique.values()]);
      return targets.map((t) => t !== null);
    },

    /** Call before `ready`: macOS sends `open-file` for a file dropped on the dock icon or double-clicked. */
    listen(): void {
      app.on('second-instance', (_event, argv, workingDirectory) => {
        if (window?.isMinimized()) window.restore();
        window?.focus();
        openFromArgv(argv, workingDirectory);
      });
      app.on('open-file', (event, path) => {
        event.preventDefault();
        const target = classify(path, fsProbe);
        if (target) open([target]);
      });
    },

    /** Where the window opens: its remembered place, if that display is still there. */
    placement(): SavedWindow {
      const primary = screen.getPrimaryDisplay();
      return restoreWindow(
        readWindowState(windowStateFile),
        screen.getAllDisplays().map((d) => ({ id: d.id, workArea: d.workArea })),
        { id: primary.id, workArea: primary.workArea },
      );
    },

    attach(win: BrowserWindow): void {
      window = win;
      const page = win.webContents;
      win.on('close', () => {
        const bounds = win.getNormalBounds();
        const display = screen.getDisplayMatching(bounds);
        try {
          writeWindowState(
            windowStateFile,
            rememberWindow(readWindowState(windowStateFile), display.id, {
              bounds,
              maximized: win.isMaximized(),
            }),
          );
        } catch (error) {
          logs.main.write('warn', `window state not saved: ${(error as Error).message}`);
        }
      });
      page.on('console-message', (event) => {
        if (event.level === 'error') logs.renderer.write('error', event.message);
      });
      page.on('did-start-loading', () => opens.setReceiver(null));
      page.on('did-finish-load', () => opens.setReceiver((target) => sendToPage(SHELL_OPEN_EVENT, target)));
      win.on('closed', () => {
        window = null;
        opens.setReceiver(null);
      });
      rebuildMenu();
    },

    /** An engine crash: the error dialog shows the engine log's last lines. */
    engineCrashed(detail: string): void {
      const tail = lastLines(logsDir, 'engine', 12).join('\n');
      void dialog
        .showMessageBox({
          type: 'error',
          title: 'The engine stopped',
          message: `The engine stopped: ${detail}`,
          detail: tail ? `Last lines of the engine log:\n${tail}` : 'The engine log is empty.',
          buttons: ['OK', 'Open logs folder'],
        })
        .then(({ response }) => response === 1 && void shell.openPath(logsDir));
    },
  };
}
