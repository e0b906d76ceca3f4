/**
 * The `app://` scheme (Electron security checklist #18): the renderer is served from its built folder and
 * nowhere else, with the CSP as a response header (#7). `app://renderer/...` is the only host.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentTypeOf, resolveRendererFile } from '../core/rendererFiles';
import { contentSecurityPolicy } from '../shared/csp';
import { APP_ORIGIN } from './navigationPolicy';

export const APP_SCHEME = 'app';
export const RENDERER_ORIGIN = APP_ORIGIN;

/** Must run before `app.ready`: the scheme is standard (relative URLs work) and secure (like https). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  const csp = contentSecurityPolicy({ connectSrc: "'none'" });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'renderer') return new Response('not found', { status: 404 });
    const file = resolveRendererFile(rendererDir, url.pathname);
    if (!file) return new Response('forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentTypeOf(file),
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
