/**
 * The one ContractClient the renderer uses, created once at start-up from whichever transport the page has.
 */
import { createContractClient, type ContractClient } from '../../../electron/shared/client';
import {
  createIpcTransport,
  IPC_PREVIEW_PORT,
  type PreviewPort,
  type QwenEditBridge,
} from '../../../electron/shared/transport/ipcTransport';
import {
  createReconnectingTransport,
  type ConnectionEvents,
} from '../../../electron/shared/transport/reconnectingTransport';
import { createWsTransport } from '../../../electron/shared/transport/wsTransport';
import { chooseTransport, tabSessionId, withoutToken, type TransportChoice } from './chooseTransport';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    qwenEdit?: QwenEditBridge;
  }
}

export type AppConnection = { client: ContractClient; transport: TransportChoice['kind'] };

/**
 * Connects to the app side. A WebSocket connection that drops is dialled again: `events.lost` hears the drop,
 * `events.restored` the return (IPC never drops).
 */
export function connectToApp(events: ConnectionEvents): AppConnection {
  const choice = chooseTransport({
    bridge: window.qwenEdit,
    href: window.location.href,
    session: tabSessionId(sessionStorageOrNull(), () => crypto.randomUUID()),
  });
  if (choice.kind === 'ipc') {
    return {
      client: createContractClient(createIpcTransport(choice.bridge, onPreviewPort)),
      transport: 'ipc',
    };
  }
  // The server has set the token as a cookie with this page; the URL need not (and should not) keep it.
  const clean = withoutToken(window.location.href);
  if (clean) window.history.replaceState(window.history.state, '', clean);
  const ws = createReconnectingTransport(
    (onClose) =>
      createWsTransport(choice.url, (url) => {
        const socket = new WebSocket(url);
        socket.addEventListener('close', (event) =>
          onClose(
            event.wasClean ? 'the app server closed the connection' : 'lost the connection to the app server',
          ),
        );
        return socket;
      }),
    events,
  );
  return { client: createContractClient(ws), transport: 'ws' };
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage blocked by the browser's settings
  }
}

/** Preview ports the preload re-posts to this window (only this window's own messages count). */
function onPreviewPort(listener: (port: PreviewPort) => void): void {
  window.addEventListener('message', (event) => {
    const [port] = event.ports;
    if (event.source === window && event.data === IPC_PREVIEW_PORT && port) listener(port);
  });
}
