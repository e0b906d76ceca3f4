import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: [
      'electron/**/*.test.ts',
      'native-models/**/*.test.ts',
      'renderer/**/*.test.ts',
      'build/**/*.test.ts',
    ],
    environment: 'node',
    reporters: ['default', './build/summaryReporter.ts'],
    // ORT sessions and child processes are CPU-heavy on 2 cores: keep parallelism low and time-outs generous.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
