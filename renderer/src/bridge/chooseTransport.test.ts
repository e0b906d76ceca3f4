import { describe, expect, it } from 'vitest';
import type { QwenEditBridge } from '../../../electron/shared/transport/ipcTransport';
import { chooseTransport, webSocketUrl, withoutToken } from './chooseTransport';

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
