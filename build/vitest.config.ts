import { defineConfig } from 'vitest/config';

/** Suites that measure a response time during an attack: they run last, alone, so other suites' ORT work
 * on the two cores cannot stand in their measurements. */
const latencySuites = ['electron/web/security.test.ts'];

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    environment: 'node',
    reporters: ['default', './build/summaryReporter.ts'],
    // ORT sessions and child processes are CPU-heavy on 2 cores: keep parallelism low and time-outs generous.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'electron/**/*.test.ts',
            'native-models/**/*.test.ts',
            'renderer/**/*.test.ts',
            'build/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', ...latencySuites],
        },
      },
      { extends: true, test: { name: 'latency', include: latencySuites, sequence: { groupOrder: 1 } } },
    ],
  },
});
