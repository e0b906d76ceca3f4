/**
 * Serves the built renderer folder and nothing else: no directory listing, no path outside the root, the
 * same strict CSP the Electron window gets.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from '../shared/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function createStaticHandler(root: string, connectSrc: string) {
  const csp = contentSecurityPolicy({ connectSrc });
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    } catch {
      return void response.writeHead(400).end('bad path');
    }
    if (relative === '' || relative === '.') relative = 'index.html';
    const file = join(root, relative);
    if (!file.startsWith(root + sep)) return void response.writeHead(403).end('forbidden');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return void response.writeHead(404).end('not found');
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  };
}
