/**
 * Serves the built renderer folder and nothing else: no directory listing, no path outside the root, the
 * same strict CSP the Electron window gets.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentTypeOf, resolveRendererFile } from '../core/rendererFiles';
import { contentSecurityPolicy } from '../shared/csp';

export function createStaticHandler(root: string, connectSrc: string) {
  const csp = contentSecurityPolicy({ connectSrc });
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = resolveRendererFile(root, url.pathname);
    if (!file) return void response.writeHead(403).end('forbidden');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return void response.writeHead(404).end('not found');
    response.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': info.size,
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  };
}
