/**
 * The kill-at-a-random-moment experiment shared by the test suite and the soak script. Each trial starts a
 * fresh child (`node --import tsx killChild.ts`) on one of a few projects, lets it edit continuously, SIGKILLs
 * it after a random delay, then opens the project and checks that every version the child reported saved
 * is present (unless a delete of it had started) and that every blob verifies by hash. Projects accumulate
 * across trials, so each check covers every save of every earlier trial too.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

import { makeThumbnail } from '../imageOps';
import { Project } from '../Project';
import { seededPng } from './images';

const childScript = join(import.meta.dirname, 'killChild.ts');

export type KillOptions = {
  /** Folder to create the projects in. */
  dir: string;
  trials: number;
  /** Trials run in parallel, each lane on its own project. */
  lanes?: number;
  /** Upper bound of the random delay after the child is ready. */
  maxDelayMs?: number;
  /** Share of trials killed at a random moment before the child reports ready (while it opens/recovers). */
  earlyKillShare?: number;
  /**
   * How each child starts: 'tsx' runs `node --import tsx killChild.ts`; 'bundle' (default) runs one ESM
   * bundle of the same file made once with esbuild, a fresh `node` process per trial all the same, at a
   * third of tsx's start-up CPU, which is what lets 200+ trials fit the test suite's budget on 2 cores.
   */
  childRunner?: 'bundle' | 'tsx';
  /** Extra environment for the children (KILL_CHILD_UNSAFE=1: the negative control). */
  childEnv?: Record<string, string>;
  /** Stop starting trials once one has failed. */
  stopOnFailure?: boolean;
  /** Seed of the trial schedule, for reproducing a failure. */
  seed?: number;
  onTrial?: (t: TrialResult) => void;
};

export type TrialResult = {
  trial: number;
  lane: number;
  delayMs: number;
  wasReady: boolean;
  savesReported: number;
  versionsChecked: number;
  problems: string[];
};

export type KillStats = {
  trials: number;
  savesReported: number;
  versionsChecked: number;
  trialsKilledBeforeReady: number;
  trialsWithSaves: number;
  failures: string[];
};

export async function runKillTrials(options: KillOptions): Promise<KillStats> {
  const lanes = options.lanes ?? 2;
  const maxDelay = options.maxDelayMs ?? 150;
  const early = options.earlyKillShare ?? 0.15;
  let state = (options.seed ?? Date.now()) >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const stats: KillStats = {
    trials: 0,
    savesReported: 0,
    versionsChecked: 0,
    trialsKilledBeforeReady: 0,
    trialsWithSaves: 0,
    failures: [],
  };
  let next = 0;
  const command = await childCommand(options.childRunner ?? 'bundle', options.dir);
  const thumbnailPath = join(options.dir, 'thumbnail.webp');
  await writeFile(thumbnailPath, await makeThumbnail(await seededPng(0)));

  async function lane(index: number): Promise<void> {
    const projectDir = join(options.dir, `lane-${index}`);
    const created = await Project.create(projectDir, await seededPng(index));
    await created.close();
    /** Every version ever reported saved on this project, minus those whose delete started. */
    const expected = new Map<string, string>();
    while (next < options.trials && !(options.stopOnFailure && stats.failures.length > 0)) {
      const trial = next++;
      const earlyKill = random() < early;
      const delay = Math.floor(random() * (earlyKill ? 300 : maxDelay));
      const childArgs: [string, string, string] = [
        projectDir,
        String(Math.floor(random() * 2 ** 31)),
        thumbnailPath,
      ];
      const env = { ...process.env, ...options.childEnv };
      const result = await oneTrial(
        [...command, ...childArgs],
        env,
        trial,
        index,
        earlyKill,
        delay,
        expected,
      );
      stats.trials++;
      stats.savesReported += result.savesReported;
      stats.versionsChecked += result.versionsChecked;
      if (!result.wasReady) stats.trialsKilledBeforeReady++;
      if (result.savesReported > 0) stats.trialsWithSaves++;
      for (const p of result.problems)
        stats.failures.push(`trial ${trial} (lane ${index}, delay ${delay} ms): ${p}`);
      options.onTrial?.(result);
    }
  }

  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  return stats;
}

async function childCommand(runner: 'bundle' | 'tsx', dir: string): Promise<string[]> {
  if (runner === 'tsx') return ['--import', 'tsx', childScript];
  const outfile = join(dir, 'killChild.bundle.mjs');
  await build({
    entryPoints: [childScript],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['sharp'],
    logLevel: 'error',
  });
  return [outfile];
}

async function oneTrial(
  argv: string[],
  env: NodeJS.ProcessEnv,
  trial: number,
  lane: number,
  earlyKill: boolean,
  delayMs: number,
  expected: Map<string, string>,
): Promise<TrialResult> {
  const projectDir = argv.at(-3)!;
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const problems: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let wasReady = false;
  let saves = 0;
  let timer: NodeJS.Timeout | undefined;
  const kill = () => child.kill('SIGKILL');
  if (earlyKill) timer = setTimeout(kill, delayMs);
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const [word, ...args] = line.split(' ');
    if (word === 'ready' && !wasReady) {
      wasReady = true;
      if (!earlyKill) timer = setTimeout(kill, delayMs);
    } else if (word === 'saved' && args[0] && args[1]) {
      expected.set(args[0], args[1]);
      saves++;
    } else if (word === 'deleting') {
      for (const id of args) expected.delete(id);
    } else if (word === 'readonly') {
      problems.push(`child opened read-only: ${line}`);
    }
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  if (exit.signal !== 'SIGKILL')
    problems.push(`child exited by itself (code ${exit.code}): ${stderr.slice(-500)}`);

  let versionsChecked = 0;
  try {
    const project = await Project.open(projectDir, { verifyBlobs: 'hash' });
    try {
      if (project.readOnly) problems.push(`reopened read-only: ${project.readOnlyReason}`);
      if (project.report.source !== 'primary')
        problems.push(`project.json needed recovery (${project.report.source})`);
      if (project.report.issues.length > 0)
        problems.push(`issues on open: ${project.report.issues.join(' | ')}`);
      for (const [id, blob] of expected) {
        const node = project.versions.find((v) => v.id === id);
        if (!node) problems.push(`saved version ${id} is missing`);
        else if (node.image.blob !== blob)
          problems.push(`version ${id} names blob ${node.image.blob}, saved as ${blob}`);
        else await project.readImage(id); // hash-verified read
        versionsChecked++;
      }
    } finally {
      await project.close();
    }
  } catch (error) {
    problems.push(`open failed: ${(error as Error).message}`);
  }
  return { trial, lane, delayMs, wasReady, savesReported: saves, versionsChecked, problems };
}
