/**
 * What the window may navigate to and which permissions its page gets: deny by default, Electron-free so
 * it is unit-tested in Node (mainWindow.ts wires it to the session and webContents events).
 */

/** The only place the app's pages come from (appProtocol.ts serves it). */
export const APP_ORIGIN = 'app://renderer';

/** Navigations, redirects and frame loads stay inside the app's own origin. */
export function mayNavigate(url: string): boolean {
  try {
    const target = new URL(url);
    return `${target.protocol}//${target.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * Permission checks: none, except writing a PNG to the clipboard (Copy image) from the app's own page.
 * Everything else (camera, notifications, geolocation, HID, serial, …) is refused.
 */
export function mayUsePermission(permission: string, requestingOrigin: string): boolean {
  return permission === 'clipboard-sanitized-write' && requestingOrigin === APP_ORIGIN;
}
