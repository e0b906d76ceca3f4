/**
 * What Electron's app:// handler and the web server share when they serve the built renderer: content types,
 * and the one check that maps a URL path to a file inside the root and never outside it.
 */
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}

/** The file a URL path names inside `root` ('' → index.html), or null for anything escaping it or malformed. */
export function resolveRendererFile(root: string, urlPath: string): string | null {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  } catch {
    return null;
  }
  if (relative === '' || relative === '.') relative = 'index.html';
  const file = join(root, relative);
  return file.startsWith(root + sep) ? file : null;
}
