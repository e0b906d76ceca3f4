/**
 * The preload: exposes the contract bridge as `window.qwenEdit`, named functions only — never ipcRenderer
 * itself (Electron security checklist #20). Bundled to CommonJS: sandboxed preloads cannot use ESM.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from '../shared/transport/ipcTransport';

contextBridge.exposeInMainWorld('qwenEdit', createIpcBridge(ipcRenderer));
