/**
 * The preload: exposes the contract bridge as `window.qwenEdit`, named functions only — never ipcRenderer
 * itself (Electron security checklist #20). Bundled to CommonJS: sandboxed preloads cannot use ESM.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcBridge, IPC_PREVIEW_PORT } from '../shared/transport/ipcTransport';

// A dropped file's path is read here, not in the page, and sent to main from here (see IPC_DROP).
contextBridge.exposeInMainWorld('qwenEdit', createIpcBridge(ipcRenderer, webUtils.getPathForFile));
// Ports cannot cross contextBridge; a window message can carry them to the page (which checks its source).
ipcRenderer.on(IPC_PREVIEW_PORT, (event) => window.postMessage(IPC_PREVIEW_PORT, '*', event.ports));
