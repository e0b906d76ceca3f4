import { describe, expect, it } from 'vitest';
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import { chooseTransport, tabSessionId, webSocketUrl, withoutToken } from './chooseTransport';

const bridge: QwenEditBridge = {
  request: async () => ({ ok: true, value: null }),
  onEvent: () => () => undefined,
};

describe('chooseTransport', () => {
  it('uses the Electron preload bridge when the page has one', () => {
    const choice = chooseTransport({ bridge, href: 'app://renderer/index.html' });
    expect(choice.kind).toBe('ipc');
    expect(choice.kind === 'ipc' && choice.bridge).toBe(bridge);
  });

  it('otherwise connects a WebSocket to /ws on the host that served the page', () => {
    expect(chooseTransport({ bridge: undefined, href: 'http://127.0.0.1:5317/' })).toEqual({
      kind: 'ws',
      url: 'ws://127.0.0.1:5317/ws',
    });
  });
});

describe('webSocketUrl', () => {
  it('leaves the token to the cookie, and uses wss behind https', () => {
    expect(webSocketUrl('https://gpu-box.lan:8443/?token=s3cr%2Bt&e2e=1')).toBe('wss://gpu-box.lan:8443/ws');
  });

  it('keeps IPv6 hosts bracketed and drops unrelated query parameters and paths', () => {
    expect(webSocketUrl('http://[::1]:5317/index.html?e2e=1#x')).toBe('ws://[::1]:5317/ws');
  });
});

describe('withoutToken', () => {
  it('removes only the token, so the address bar and history never keep it', () => {
    expect(withoutToken('http://127.0.0.1:5317/?token=abc&e2e=1')).toBe('http://127.0.0.1:5317/?e2e=1');
    expect(withoutToken('http://127.0.0.1:5317/?e2e=1')).toBeNull();
  });
});

describe('tabSessionId', () => {
  it('makes an id once and keeps it for the tab, so the URL names the same session after a reload', () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    let made = 0;
    const make = () => `00000000-0000-4000-8000-00000000000${++made}`;
    const id = tabSessionId(storage, make);
    expect(tabSessionId(storage, make)).toBe(id);
    expect(made).toBe(1);
    expect(webSocketUrl('http://127.0.0.1:5317/?e2e=1', id)).toBe(`ws://127.0.0.1:5317/ws?session=${id}`);
  });

  it('replaces a malformed stored id, and works without storage', () => {
    const kept = new Map([['qwen-edit.session', 'x y']]);
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    expect(tabSessionId(storage, () => 'fresh-session-id-0001')).toBe('fresh-session-id-0001');
    expect(kept.get('qwen-edit.session')).toBe('fresh-session-id-0001');
    expect(tabSessionId(null, () => 'fresh-session-id-0002')).toBe('fresh-session-id-0002');
  });
});
