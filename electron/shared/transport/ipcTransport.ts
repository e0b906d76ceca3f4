/**
 * The Electron IPC transport. Three halves, none importing electron (they take its objects as arguments, so
 * the contract tests run them in plain Node):
 * - `registerIpcServer` in main: one `ipcMain.handle` channel, every sender checked;
 * - `createIpcBridge` in the preload: the named functions `contextBridge` exposes, never raw ipcRenderer;
 * - `createIpcTransport` in the renderer: the bridge seen as a RawTransport, plus the preview MessagePort
 *   main brokers between the engine and the page (frames never pass through main).
 */
import type { RawTransport } from '../client';
import type { Dispatch } from '../dispatcher';
import type { AppError } from '../result';
import { deliverPreview } from './previewCredit';

export const IPC_REQUEST = 'qe:request';
export const IPC_EVENT = 'qe:event';
/** Main → preload → page: a new preview port (contextBridge cannot carry ports, so it comes as a window message). */
export const IPC_PREVIEW_PORT = 'qe:preview-port';
/**
 * Preload → main: the paths of files dropped on the window; main answers which it opened. The preload reads
 * them off the File objects (`webUtils.getPathForFile`) and sends them itself, so the page cannot name a path
 * it was not given.
 */
export const IPC_DROP = 'qe:drop-paths';

/** What the preload exposes on `window.qwenEdit`. Functions only (Electron security checklist #20). */
export type QwenEditBridge = {
  request(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /**
   * Hands dropped files that have a path on disk to main, which opens the images and folders among them (as
   * a dialog's pick would); says for each file whether main took it. The rest (no path: dragged out of a
   * browser; or not an image) stay the page's to read and report.
   */
  dropFiles?(files: readonly unknown[]): Promise<boolean[]>;
};

/** The page's end of a preview channel: a DOM MessagePort, as far as this transport uses it. */
export type PreviewPort = {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  postMessage(message: unknown): void;
  close(): void;
};

type IpcRendererLike = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
};

/** `pathForFile` is Electron's `webUtils.getPathForFile`: '' for a File made in the page. */
export function createIpcBridge(ipc: IpcRendererLike, pathForFile?: (file: never) => string): QwenEditBridge {
  return {
    ...(pathForFile && {
      async dropFiles(files: readonly unknown[]) {
        const paths = files.map((file) => {
          try {
            return pathForFile(file as never);
          } catch {
            // Not a File at all: the page passed something else.
            return '';
          }
        });
        const handed = paths.filter((p) => p !== '');
        if (!handed.length) return paths.map(() => false);
        const answer = await ipc.invoke(IPC_DROP, handed);
        const taken = Array.isArray(answer) ? answer : [];
        let next = 0;
        return paths.map((p) => p !== '' && taken[next++] === true);
      },
    }),
    request: (method, params) => ipc.invoke(IPC_REQUEST, method, params),
    onEvent(listener) {
      // The page never sees Electron's event object, only the payload.
      const wrapped = (_event: unknown, ...[name, payload]: unknown[]) => listener(String(name), payload);
      ipc.on(IPC_EVENT, wrapped);
      return () => void ipc.removeListener(IPC_EVENT, wrapped);
    },
  };
}

/** `onPreviewPort` hears every port main brokers: one at start, another after each reload or engine restart. */
export function createIpcTransport(
  bridge: QwenEditBridge,
  onPreviewPort: (listener: (port: PreviewPort) => void) => void,
): RawTransport {
  const previewListeners = new Set<(bytes: Uint8Array, ack: () => void) => void>();
  let current: PreviewPort | null = null;
  onPreviewPort((port) => {
    current?.close();
    current = port;
    port.addEventListener('message', ({ data }) => {
      if (data instanceof Uint8Array) deliverPreview(previewListeners, data, () => port.postMessage('ack'));
    });
    port.start();
  });
  return {
    send: (method, params) => bridge.request(method, params),
    subscribe: (listener) => bridge.onEvent(listener),
    subscribePreview(listener) {
      previewListeners.add(listener);
      return () => previewListeners.delete(listener);
    },
  };
}

type IpcMainLike<Event> = {
  handle(channel: string, handler: (event: Event, ...args: unknown[]) => Promise<unknown>): void;
};

/**
 * Serves the contract on `ipcMain`. `isTrustedSender` decides from the event whether the message comes from
 * our own window's top frame (Electron security checklist #17); anything else gets FORBIDDEN_SENDER.
 */
export function registerIpcServer<Event>(
  ipcMain: IpcMainLike<Event>,
  dispatch: Dispatch,
  isTrustedSender: (event: Event) => boolean,
): void {
  ipcMain.handle(IPC_REQUEST, async (event, method, params) => {
    if (!isTrustedSender(event)) {
      const error: AppError = { code: 'FORBIDDEN_SENDER', message: 'request from an untrusted frame' };
      return { ok: false, error };
    }
    return dispatch(method, params);
  });
}
