// Bundles the Electron entries with esbuild: main and engine as CommonJS for Node, the preload as one
// CommonJS file (sandboxed preloads cannot load ESM or require other files). esbuild rather than
// electron-vite: three plain entries need no framework, and the renderer already has its own Vite config.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'info',
  // Native addons and their shared libraries load from node_modules (asar-unpacked), never from a bundle.
  external: ['electron', 'onnxruntime-node', 'sharp', 'ws'],
  // ESM sources use import.meta.url; in a CJS bundle it is derived from the file's own path.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'out/main/main.cjs' }),
  build({ ...common, entryPoints: ['electron/engine/engine.entry.ts'], outfile: 'out/engine/engine.cjs' }),
  // The converter's worker threads load it from beside the engine bundle (native-models/src/onnx/tensor-runner.ts).
  build({
    ...common,
    entryPoints: ['native-models/src/onnx/tensor-worker.ts'],
    outfile: 'out/engine/tensor-worker.cjs',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'out/preload/preload.cjs',
    external: ['electron'],
  }),
]);
