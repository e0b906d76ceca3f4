/**
 * Which transport the page talks through. Inside Electron the preload exposes `window.qwenEdit`; in a plain
 * browser (web mode) the page reaches the server's WebSocket endpoint on the host that served it.
 */
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import { WS_PATH } from '../../../electron/shared/transport/wsTransport';

export type TransportChoice = { kind: 'ipc'; bridge: QwenEditBridge } | { kind: 'ws'; url: string };

/**
 * Picks the transport from what the page can see. `href` is the page's own URL. Web mode's access token is
 * not passed on: the server set it as an HttpOnly cookie with the page, and the browser sends that cookie
 * with the WebSocket upgrade (same origin), so the token never sits in script-visible state.
 */
export function chooseTransport(env: { bridge: QwenEditBridge | undefined; href: string }): TransportChoice {
  if (env.bridge) return { kind: 'ipc', bridge: env.bridge };
  return { kind: 'ws', url: webSocketUrl(env.href) };
}

export function webSocketUrl(href: string): string {
  const page = new URL(href);
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return new URL(`${scheme}//${page.host}${WS_PATH}`).toString();
}

/** The page's URL without the one-time `token` parameter, for history.replaceState. */
export function withoutToken(href: string): string | null {
  const page = new URL(href);
  if (!page.searchParams.has('token')) return null;
  page.searchParams.delete('token');
  return page.toString();
}
