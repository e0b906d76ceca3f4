/**
 * Electron main: windows, the app:// protocol, the IPC router and the engine supervisor. It never runs ORT
 * itself (design.md §1): model work goes to the engine utilityProcess, so this thread stays responsive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { app, ipcMain, safeStorage } from 'electron';
import { createAppHandlers } from '../core/appHandlers';
import { tokenVault } from '../core/tokenVault';
import { modelDir } from '../core/appPaths';
import { EngineSupervisor } from '../core/supervisor/EngineSupervisor';
import { ProjectSessions } from '../core/ProjectSessions';
import { ProjectStore } from '../core/projects/ProjectStore';
import { createDispatcher } from '../shared/dispatcher';
import { IPC_DROP, IPC_EVENT, registerIpcServer } from '../shared/transport/ipcTransport';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { createMainWindow, isTrustedFrame } from './mainWindow';
import { createPreviewBroker } from './previewBroker';
import { createDesktopShell } from './shell/desktopShell';
import { createShellHandlers } from './shell/shellHandlers';
import { utilityEngine } from './utilityEngine';

/** Bundled layout: out/main/main.cjs, out/preload/preload.cjs, out/engine/engine.cjs, renderer/dist/. */
const appRoot = join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string };

registerAppScheme();
// A second launch hands its arguments to this instance (the shell's `second-instance`) and exits.
if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | null = null;
/** Set once ready; About reads the engine's last known versions from it. */
let engine: EngineSupervisor | null = null;
const shell = createDesktopShell({
  userData: app.getPath('userData'),
  appVersion: version,
  engineVersions: async () => {
    const info = engine?.info();
    return {
      ort: info?.ortVersion ?? null,
      model: info ? `${info.model.status} — ${info.model.folder || info.model.detail}` : null,
    };
  },
});
shell.listen();
shell.openFromArgv(process.argv, process.cwd());

app.whenReady().then(() => {
  serveRenderer(join(appRoot, 'renderer', 'dist'));
  const previews = createPreviewBroker();
  const supervisor = new EngineSupervisor(
    // The engine must live outside the asar: native modules and their .so files cannot load from inside it.
    utilityEngine(
      join(appRoot, 'out', 'engine', 'engine.cjs').replace('app.asar', 'app.asar.unpacked'),
      {
        QWEN_EDIT_MODEL_DIR: modelDir(app.getPath('userData')),
        // The demo model is generated on first use; the install folder may be read-only, the user's is not.
        QWEN_EDIT_CACHE: join(app.getPath('userData'), 'cache'),
      },
      previews.setEngine,
    ),
    {
      appVersion: version,
      log: (line) => {
        console.log(`[engine] ${line}`);
        shell.logs.engine.write('info', line);
      },
      onEvent: (name, payload) => {
        const state = payload as { state?: string; detail?: string };
        if (name === 'engine:state' && state.state === 'crashed') shell.engineCrashed(state.detail ?? '');
        window?.webContents.send(IPC_EVENT, name, payload);
      },
    },
  );
  const userData = app.getPath('userData');
  const sessions = new ProjectSessions(
    new ProjectStore({ appDataDir: userData }),
    join(userData, 'projects'),
  );
  // A project folder the user picked (dialog, drop, command line, open-file) may be opened; nothing else outside
  // the projects folder and the recent list may.
  shell.picked.onFolder((folder) => sessions.roots.allowPath(folder));
  // A second instance's saves reach a read-only window too (the sessions follow the writer on disk).
  sessions.onChanged((tree) => window?.webContents.send(IPC_EVENT, 'project:changed', tree));
  registerIpcServer(
    ipcMain,
    createDispatcher({
      ...createAppHandlers(supervisor, sessions, {
        onEvent: (name, payload) => window?.webContents.send(IPC_EVENT, name, payload),
        // The hub token is encrypted with the OS keychain where Electron has one.
        vault: tokenVault(join(userData, 'hf-token'), {
          available: () => safeStorage.isEncryptionAvailable(),
          encrypt: (plain) => safeStorage.encryptString(plain),
          decrypt: (encrypted) => safeStorage.decryptString(encrypted),
        }),
      }),
      ...createShellHandlers({ picked: shell.picked, setMenuState: shell.setMenuState }),
    }),
    (event: Electron.IpcMainInvokeEvent) => isTrustedFrame(window, event.senderFrame),
  );
  // Dropped files' paths come from the preload, never from the page's own requests (see IPC_DROP).
  ipcMain.handle(IPC_DROP, (event, paths) =>
    isTrustedFrame(window, event.senderFrame) ? shell.openDropped(paths) : [],
  );
  supervisor.start();
  engine = supervisor;
  window = createMainWindow(join(appRoot, 'out', 'preload', 'preload.cjs'), shell.placement());
  shell.attach(window);
  const page = window.webContents;
  page.on('did-start-loading', () => previews.setPage(null));
  page.on('did-finish-load', () => previews.setPage(page));
  window.on('closed', () => {
    window = null;
    previews.setPage(null);
  });
  app.on('before-quit', () => {
    supervisor.stop();
    void sessions.closeAll();
  });
});

app.on('window-all-closed', () => app.quit());
