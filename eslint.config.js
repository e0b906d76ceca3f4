// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { nativeModelsFloors } from './build/lint/nativeModelsFloors.js';

/**
 * Layering (design.md §2): imports only point downward. Each layer lists what it must never import;
 * ESLint's no-restricted-imports enforces it so that a wrong import fails `npm run lint` and CI.
 */
const nodeBuiltins = [
  {
    group: ['node:*'],
    message: 'This layer runs in a sandboxed page or is shared with one: no Node built-ins.',
  },
];
const noElectron = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const noNativeModels = {
  group: ['**/native-models', '**/native-models/**'],
  message: 'The UI and the contract never import the model stack: go through the contract.',
};
const noReact = {
  group: ['react', 'react-dom', 'react-konva', 'konva', 'zustand'],
  message: 'UI libraries belong in renderer/.',
};
const nativeModels = {
  paths: [{ name: 'electron', message: 'native-models is headless: it runs in plain Node.' }],
  patterns: [
    noReact,
    { group: ['**/electron', '**/electron/**'], message: 'native-models knows nothing of the app.' },
  ],
};
const noUpper = (/** @type {string[]} */ folders) => ({
  group: folders.flatMap((f) => [`**/electron/${f}`, `**/electron/${f}/**`, `../${f}/**`, `../../${f}/**`]),
  message: 'Imports only point downward (design.md §2).',
});
/** Node built-ins named without the node: prefix are banned where node:* is. */
const bareBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'worker_threads',
  'http',
  'net',
  'stream',
  'url',
  'util',
  'fs/promises',
].map((name) => ({ name, message: 'No Node built-ins in this layer.' }));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'renderer/dist/**',
      '.cache/**',
      'test-results/**',
      'e2e/artifacts/**',
      '**/fixtures/lint/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...bareBuiltins],
          patterns: [...nodeBuiltins, noNativeModels, noUpper(['core', 'engine', 'main', 'preload', 'web'])],
        },
      ],
    },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...bareBuiltins],
          patterns: [
            ...nodeBuiltins,
            noNativeModels,
            noReact,
            noUpper(['core', 'engine', 'main', 'preload', 'web']),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [noReact, noUpper(['engine', 'main', 'preload', 'web'])] },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The engine host uses only process.parentPort, never electron main APIs.',
            },
          ],
          patterns: [noReact, noUpper(['main', 'preload', 'web'])],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts', 'electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noReact,
            {
              group: ['**/native-models', '**/native-models/**'],
              allowTypeImports: true,
              message: 'The shell never loads the model stack at runtime: the engine host does.',
            },
          ],
        },
      ],
    },
  },
  { files: ['native-models/**/*.{ts,mjs}'], rules: { 'no-restricted-imports': ['error', nativeModels] } },
  ...nativeModelsFloors(nativeModels),
);
