import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, mayNavigate, mayUsePermission } from './navigationPolicy';

describe('window navigation and permission policy', () => {
  it('keeps navigations and redirects inside app://renderer', () => {
    expect(APP_ORIGIN).toBe('app://renderer');
    expect(mayNavigate('app://renderer/index.html?e2e=1')).toBe(true);
    for (const url of [
      'https://evil.example/',
      'app://renderer.evil/index.html',
      'app://other/index.html',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'not a url',
    ])
      expect({ url, allowed: mayNavigate(url) }).toEqual({ url, allowed: false });
  });

  it('denies every permission check but clipboard writing from the app page', () => {
    expect(mayUsePermission('clipboard-sanitized-write', 'app://renderer')).toBe(true);
    expect(mayUsePermission('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'hid',
      'serial',
      'usb',
      'clipboard-read',
      'openExternal',
    ])
      expect({ p, allowed: mayUsePermission(p, 'app://renderer') }).toEqual({ p, allowed: false });
  });
});
