/**
 * Wires the page to Electron's desktop shell: menu commands and picked paths in, the menu state out, and
 * files with a path on disk handed to main (which picks them, then sends them back as `shell:open`).
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import type { ImageOpener } from '../actions/openImageFile';
import { reportMenuState } from '../app/menuState';
import type { PanelsStore } from '../app/panels';
import { menuOnlyKeyCommand, type ShellHandlers } from '../app/shellCommands';
import type { AppStore } from '../state/appStore';

export function connectDesktopShell(deps: {
  client: ContractClient;
  store: AppStore;
  panels: PanelsStore;
  shell: ShellHandlers;
}): void {
  const { client, shell } = deps;
  client.on('shell:command', (command) => void shell.runCommand(command));
  client.on('shell:open', (target) => void shell.open(target));
  reportMenuState(deps);
}

/**
 * An opener that hands a file with a path on disk (dropped, or chosen in the file input) to main through the
 * preload, so the path joins the picked set and opens as a dialog's pick would; a file without one (pasted,
 * dragged out of a browser) and every file in web mode opens from its bytes.
 */
export function handOffToShell(bridge: QwenEditBridge | undefined, open: ImageOpener): ImageOpener {
  const dropFiles = bridge?.dropFiles;
  if (!dropFiles) return open;
  return async (file) => ((await dropFiles([file]))[0] ? true : open(file));
}

/** Web mode: the keys only the native menus bind elsewhere (Ctrl+1, Ctrl+2) carry out the same commands. */
export function bindMenuOnlyKeys(shell: ShellHandlers): void {
  window.addEventListener('keydown', (e) => {
    const id = menuOnlyKeyCommand(e);
    if (!id || e.isComposing) return;
    e.preventDefault();
    void shell.runCommand({ id });
  });
}
