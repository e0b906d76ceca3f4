// @ts-check
/**
 * The floors inside native-models, lowest first: a file imports from its own floor and those below, never
 * from above, so the layers can be read (and replaced) bottom-up. Tests may reach up (e.g. to the tiny
 * model); product code may not.
 */
export const NATIVE_MODELS_FLOORS = [
  ['weights.ts', 'version.ts', 'testing'],
  ['onnx', 'safetensors'],
  ['config'],
  ['graphs'],
  ['model-store'],
  ['convert'],
  ['tiny', 'selftest'],
  ['pipeline'],
  ['../cli', 'index.ts'],
];

const filesOf = (/** @type {string} */ entry) =>
  entry === '../cli'
    ? 'native-models/cli/**/*.{ts,mjs}'
    : entry.endsWith('.ts')
      ? `native-models/src/${entry}`
      : `native-models/src/${entry}/**/*.ts`;

/** Relative spellings of a folder from any depth inside native-models/src. */
const spellings = (/** @type {string} */ folder) => {
  const name = folder.replace('../', '');
  return ['../', '../../', '../../../', '../../../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/**`]);
};

/**
 * One ESLint block per floor: the base rule of native-models plus the folders above that floor.
 * @param {{ paths: object[], patterns: object[] }} base
 */
export function nativeModelsFloors(base) {
  return NATIVE_MODELS_FLOORS.map((floor, i) => {
    const above = NATIVE_MODELS_FLOORS.slice(i + 1)
      .flat()
      .filter((entry) => !entry.endsWith('.ts'));
    return {
      files: floor.map(filesOf),
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: base.paths,
            patterns: [
              ...base.patterns,
              ...(above.length
                ? [
                    {
                      group: above.flatMap(spellings),
                      message: `native-models floors: ${floor.join(', ')} imports nothing above it (${above.join(', ')}).`,
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    };
  });
}
