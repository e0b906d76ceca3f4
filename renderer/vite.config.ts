import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer bundle. `base: './'` makes every asset URL relative, so the same build works from the web
 * server (`http://127.0.0.1:PORT/`) and from Electron's `app://` protocol. No inline scripts or styles are
 * emitted: the CSP allows only 'self' scripts.
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The contract (zod) and React make one ~400 KB chunk; splitting buys nothing for a local app.
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', strictPort: true },
});
