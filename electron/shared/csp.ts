/**
 * The renderer's Content-Security-Policy, one definition for the Electron protocol handler and the web
 * server (Electron security checklist #7). `connectSrc` is 'none' in Electron (the page never fetches) and
 * the WebSocket origin in web mode.
 */
export function contentSecurityPolicy({ connectSrc }: { connectSrc: string }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Konva and React set element styles at runtime; no inline <style>/<script> blocks are served.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
