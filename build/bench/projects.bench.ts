/**
 * Project store speed: opening a project with 1,000 versions (target < 200 ms) and adding a version to it
 * (target < 50 ms, image encoding excluded: the result PNG and its thumbnail are encoded beforehand, as the
 * pipeline hands over an encoded PNG). Every save is the real, fsynced, crash-safe one.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeThumbnail } from '../../electron/core/projects/imageOps';
import { Project } from '../../electron/core/projects/Project';
import { sampleRecipe, seededPng } from '../../electron/core/projects/testing/images';
import { tinyPng } from '../../electron/core/projects/testing/tinyPng';
import type { BenchResult } from './run';

const VERSIONS = 1000;
const OPEN_RUNS = 20;
const ADD_RUNS = 50;

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    min: round(s[0]!),
    max: round(s.at(-1)!),
    runs: s.length,
  };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function run(): Promise<BenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'qes-bench-projects-'));
  try {
    const dir = join(root, 'p');
    const thumbnail = await makeThumbnail(tinyPng(0));
    const project = await Project.create(dir, await seededPng(1));
    // Build 1,000 versions through the real API: a main line with a side branch every tenth version.
    const buildStart = performance.now();
    let parent = project.head;
    for (let i = 1; i < VERSIONS; i++) {
      const from = i % 10 === 0 ? project.versions[Math.floor(i / 2)]!.id : parent;
      const v = await project.addVersion({
        parentId: from,
        png: tinyPng(i),
        recipe: sampleRecipe(i),
        thumbnailWebp: thumbnail,
      });
      if (i % 10 !== 0) parent = v.id;
    }
    const buildMs = performance.now() - buildStart;
    await project.close();
    const fileBytes = (await stat(join(dir, 'project.json'))).size;

    const openMs: number[] = [];
    const openReadOnlyMs: number[] = [];
    for (let i = 0; i < OPEN_RUNS; i++) {
      let p: Project | undefined;
      openMs.push(await time(async () => (p = await Project.open(dir))));
      if (p?.versions.length !== VERSIONS || p.readOnly) throw new Error('bench: wrong project state');
      await p.close();
      openReadOnlyMs.push(await time(() => Project.open(dir, { readOnly: true })));
    }
    const hashOpenMs = await time(() => Project.open(dir, { readOnly: true, verifyBlobs: 'hash' }));

    const writer = await Project.open(dir);
    const addMs: number[] = [];
    const pngs = Array.from({ length: ADD_RUNS }, (_, i) => tinyPng(VERSIONS + i));
    for (let i = 0; i < ADD_RUNS; i++) {
      const png = pngs[i]!;
      addMs.push(
        await time(() =>
          writer.addVersion({
            parentId: writer.head,
            png,
            recipe: sampleRecipe(i),
            thumbnailWebp: thumbnail,
          }),
        ),
      );
    }
    const withThumbMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const png = await seededPng(100 + i, 512, 512);
      withThumbMs.push(
        await time(() => writer.addVersion({ parentId: writer.head, png, recipe: sampleRecipe(i) })),
      );
    }
    await writer.close();

    const open = summary(openMs);
    const add = summary(addMs);
    const figures = {
      versions: VERSIONS,
      projectJsonBytes: fileBytes,
      buildMsTotal: Math.round(buildMs),
      openMs: open,
      openReadOnlyMs: summary(openReadOnlyMs),
      openWithHashVerifyMs: Math.round(hashOpenMs * 100) / 100,
      addVersionMs: add,
      addVersionWithThumbnail512Ms: summary(withThumbMs),
      targets: { openMs: 200, addVersionMs: 50 },
      meetsTargets: { open: open.median < 200, addVersion: add.median < 50 },
      cpus: (await import('node:os')).cpus().length,
      loadAverage1m: (await import('node:os')).loadavg()[0],
    };
    const table = [
      `project with ${VERSIONS} versions, project.json ${(fileBytes / 1024).toFixed(0)} KiB`,
      `open (writer: lock + load + validate + blob check)  median ${open.median} ms  p95 ${open.p95} ms  (target < 200)`,
      `open read-only                                     median ${figures.openReadOnlyMs.median} ms`,
      `open with every blob hash-verified                 ${figures.openWithHashVerifyMs} ms`,
      `add version (encoded PNG + thumbnail given)         median ${add.median} ms  p95 ${add.p95} ms  (target < 50)`,
      `add version incl. 512² thumbnail encoding           median ${figures.addVersionWithThumbnail512Ms.median} ms`,
      `load average at the end: ${(figures.loadAverage1m ?? 0).toFixed(2)} on ${figures.cpus} CPUs`,
    ].join('\n');
    return { name: 'projects', figures, table };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
