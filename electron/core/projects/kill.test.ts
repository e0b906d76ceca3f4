/**
 * Crash safety under SIGKILL: a child process edits a project without pause and is killed at a random
 * moment, 200+ times; after every kill the project must open cleanly with every version the child reported
 * saved present and hash-verified (see testing/killTrials.ts). More trials: `build/soak/projects.soak.ts`.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeTempDir } from './testing/images';
import { runKillTrials } from './testing/killTrials';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SIGKILL during saves', () => {
  it('loses no completed save in 200 random kills', { timeout: 240_000 }, async () => {
    const stats = await runKillTrials({ dir, trials: 200, lanes: 2 });
    expect(stats.failures).toEqual([]);
    expect(stats.trials).toBe(200);
    // The kills really landed while saves were going on, and some while the child was opening.
    expect(stats.trialsWithSaves).toBeGreaterThanOrEqual(50);
    expect(stats.savesReported).toBeGreaterThanOrEqual(200);
    expect(stats.trialsKilledBeforeReady).toBeGreaterThan(0);
    expect(stats.versionsChecked).toBeGreaterThan(stats.savesReported);
  });

  it('negative control: the same check catches an unsafe in-place save', { timeout: 120_000 }, async () => {
    const stats = await runKillTrials({
      dir,
      trials: 40,
      lanes: 2,
      maxDelayMs: 400,
      earlyKillShare: 0,
      childEnv: { KILL_CHILD_UNSAFE: '1' },
      stopOnFailure: true,
    });
    expect(stats.failures.length).toBeGreaterThan(0);
    expect(stats.failures[0]).toMatch(/needed recovery|damaged|missing/);
  });
});
