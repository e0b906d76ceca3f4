/**
 * Which transport the page talks through. Inside Electron the preload exposes `window.qwenEdit`; in a plain
 * browser (web mode) the page reaches the server's WebSocket endpoint on the host that served it.
 */
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import { WS_PATH, WS_SESSION_PARAM } from '../../../electron/shared/transport/wsTransport';

export type TransportChoice = { kind: 'ipc'; bridge: QwenEditBridge } | { kind: 'ws'; url: string };

/**
 * Picks the transport from what the page can see. `href` is the page's own URL. Web mode's access token is
 * not passed on: the server set it as an HttpOnly cookie with the page, and the browser sends that cookie
 * with the WebSocket upgrade (same origin), so the token never sits in script-visible state.
 */
export function chooseTransport(env: {
  bridge: QwenEditBridge | undefined;
  href: string;
  session?: string;
}): TransportChoice {
  if (env.bridge) return { kind: 'ipc', bridge: env.bridge };
  return { kind: 'ws', url: webSocketUrl(env.href, env.session) };
}

/** `session` names this tab to the server, so the jobs it queued are still its own after a reload. */
export function webSocketUrl(href: string, session?: string): string {
  const page = new URL(href);
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${scheme}//${page.host}${WS_PATH}`);
  if (session) url.searchParams.set(WS_SESSION_PARAM, session);
  return url.toString();
}

/**
 * This tab's session id: made once, kept in sessionStorage, which a reload keeps and another tab does not
 * share. Without storage (a locked-down browser) every load is a new session.
 */
export function tabSessionId(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  make: () => string,
): string {
  const key = 'qwen-edit.session';
  const kept = storage?.getItem(key);
  if (kept && /^[\w-]{16,64}$/.test(kept)) return kept;
  const made = make();
  storage?.setItem(key, made);
  return made;
}

/** The page's URL without the one-time `token` parameter, for history.replaceState. */
export function withoutToken(href: string): string | null {
  const page = new URL(href);
  if (!page.searchParams.has('token')) return null;
  page.searchParams.delete('token');
  return page.toString();
}
