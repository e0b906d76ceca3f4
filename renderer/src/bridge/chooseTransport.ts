/**
 * Which transport the page talks through. Inside Electron the preload exposes `window.qwenEdit`; in a plain
 * browser (web mode) the page reaches the server's WebSocket endpoint on the host that served it.
 */
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import { WS_PATH } from '../../../electron/shared/transport/wsTransport';

export type TransportChoice = { kind: 'ipc'; bridge: QwenEditBridge } | { kind: 'ws'; url: string };

/**
 * Picks the transport from what the page can see. `href` is the page's own URL; a `token` in its query
 * is passed on to the WebSocket, as the server requires when bound beyond loopback.
 */
export function chooseTransport(env: { bridge: QwenEditBridge | undefined; href: string }): TransportChoice {
  if (env.bridge) return { kind: 'ipc', bridge: env.bridge };
  return { kind: 'ws', url: webSocketUrl(env.href) };
}

export function webSocketUrl(href: string): string {
  const page = new URL(href);
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${scheme}//${page.host}${WS_PATH}`);
  const token = page.searchParams.get('token');
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
