/**
 * Soak run of the project kill test: many more SIGKILLed saves than the test suite affords.
 *   tsx build/soak/projects.soak.ts [--trials 2000] [--lanes 2] [--runner tsx|bundle] [--seed N] [--max-delay 150]
 * Prints progress and a JSON summary; exits 1 if any trial lost a completed save or left a damaged project.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runKillTrials } from '../../electron/core/projects/testing/killTrials';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '2000' },
    lanes: { type: 'string', default: '2' },
    runner: { type: 'string', default: 'tsx' },
    seed: { type: 'string' },
    'max-delay': { type: 'string', default: '150' },
    keep: { type: 'boolean', default: false },
  },
});
const runner = values.runner === 'bundle' ? 'bundle' : 'tsx';
const seed = values.seed ? Number(values.seed) : Date.now() >>> 0;
const trials = Number(values.trials);
const dir = await mkdtemp(join(tmpdir(), 'qes-soak-projects-'));
console.log(`soak: ${trials} trials, ${values.lanes} lanes, runner ${runner}, seed ${seed}, in ${dir}`);
const started = performance.now();
let done = 0;
const stats = await runKillTrials({
  dir,
  trials,
  lanes: Number(values.lanes),
  childRunner: runner,
  maxDelayMs: Number(values['max-delay']),
  seed,
  onTrial: (t) => {
    done++;
    for (const p of t.problems) console.log(`FAIL trial ${t.trial}: ${p}`);
    if (done % 100 === 0)
      console.log(`${done}/${trials} trials, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
});
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      ...stats,
      failures: stats.failures.length,
      firstFailures: stats.failures.slice(0, 10),
      seed,
      seconds: Math.round(seconds),
    },
    null,
    2,
  ),
);
if (!values.keep || stats.failures.length === 0) await rm(dir, { recursive: true, force: true });
else console.log(`projects kept in ${dir}`);
process.exit(stats.failures.length === 0 ? 0 : 1);
