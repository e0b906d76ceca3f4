/**
 * The one window, locked down per Electron's security checklist: isolated, sandboxed, no Node in the page,
 * no navigation away from the app, no new windows, no permissions.
 */
import { BrowserWindow, session } from 'electron';
import { RENDERER_ORIGIN } from './appProtocol';
import { mayNavigate, mayUsePermission } from './navigationPolicy';
import type { SavedWindow } from './shell/windowState';

export function createMainWindow(preloadPath: string, placement?: SavedWindow): BrowserWindow {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) =>
    callback(false),
  );
  // Checks (navigator.permissions, clipboard, devices) are asked separately from requests: deny them too.
  session.defaultSession.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    mayUsePermission(permission, requestingOrigin),
  );
  session.defaultSession.setDevicePermissionHandler(() => false);
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    ...placement?.bounds,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#1e1f22',
    title: 'Qwen Edit Studio',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      enableWebSQL: false,
    },
  });
  window.once('ready-to-show', () => {
    if (placement?.maximized) window.maximize();
    window.show();
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  // A server redirect and a subframe's navigation do not pass through will-navigate.
  window.webContents.on('will-redirect', (event) => {
    if (!mayNavigate(event.url)) event.preventDefault();
  });
  window.webContents.on('will-frame-navigate', (event) => {
    if (!mayNavigate(event.url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The e2e suite drives the page through its test hook, which the page installs only when asked to.
  void window.loadURL(`${RENDERER_ORIGIN}/index.html${process.env.QWEN_EDIT_E2E === '1' ? '?e2e=1' : ''}`);
  return window;
}

/** Only our own window's top frame, showing our own page, may talk to main (checklist #17). */
export function isTrustedFrame(window: BrowserWindow | null, frame: Electron.WebFrameMain | null): boolean {
  if (!window || window.isDestroyed() || !frame) return false;
  return frame === window.webContents.mainFrame && frame.url.startsWith(`${RENDERER_ORIGIN}/`);
}
