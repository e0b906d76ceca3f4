/**
 * Path probing through the contract: `project:open` reaches only the projects folder, the recent list and
 * folders the user picked, and every other path gets the same answer whether it is a project, a folder, a
 * file or nothing — without touching it.
 */
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../shared/dispatcher';
import { createAppHandlers } from './appHandlers';
import { ProjectSessions } from './ProjectSessions';
import { ProjectStore } from './projects/ProjectStore';
import { seededPng } from './projects/testing/images';
import { EngineSupervisor } from './supervisor/EngineSupervisor';
import { forkEngine } from './supervisor/forkEngine';

let root: string;
let sessions: ProjectSessions;
let dispatch: ReturnType<typeof createDispatcher>;
/** A real project folder outside the app's roots (another app-data folder made it). */
let foreignProject: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qe-paths-'));
  sessions = new ProjectSessions(
    new ProjectStore({ appDataDir: join(root, 'app') }),
    join(root, 'app', 'projects'),
  );
  // Never started: opening projects needs no engine.
  dispatch = createDispatcher(
    createAppHandlers(new EngineSupervisor(forkEngine({ env: {} }), { appVersion: 't' }), sessions),
  );
  foreignProject = join(root, 'elsewhere', 'holiday');
  const other = await new ProjectStore({ appDataDir: join(root, 'other-app') }).create(
    foreignProject,
    await seededPng(3),
  );
  await other.close();
});

const open = (path: string) => dispatch('project:open', { path });

describe('project:open path probing (security)', () => {
  it('answers every path outside the roots identically and leaves it untouched', async () => {
    await mkdir(join(root, 'plain-folder'));
    await writeFile(join(root, 'a-file.txt'), 'hello');
    await mkdir(join(root, 'app', 'projects'), { recursive: true });
    await symlink(foreignProject, join(root, 'app', 'projects', 'link-out'));
    const before = (await readdir(foreignProject)).sort();
    const probes = [
      foreignProject,
      join(root, 'plain-folder'),
      join(root, 'a-file.txt'),
      join(root, 'missing'),
      '/etc',
      '/etc/passwd',
      join(root, 'app', 'projects', '..', '..', 'elsewhere', 'holiday'),
      join(root, 'app', 'projects', 'link-out'),
      'relative/elsewhere',
    ];
    const answers = await Promise.all(probes.map(open));
    for (const [i, answer] of answers.entries()) {
      expect(answer, probes[i]).toEqual(answers[0]);
    }
    expect(answers[0]).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
    // No lock was taken or left, and nothing was added to the recent list.
    expect((await readdir(foreignProject)).sort()).toEqual(before);
    expect(await dispatch('project:recent', {})).toEqual({ ok: true, value: { items: [] } });
  });

  it('opens projects in the projects folder, on the recent list, and in folders the user picked', async () => {
    const created = await dispatch('project:create', {
      name: 'mine.png',
      bytes: new Uint8Array(await seededPng(1)),
    });
    if (!created.ok) throw new Error(created.error.message);
    const mine = (created.value as { path: string }).path;
    expect(await open(mine)).toMatchObject({ ok: true, value: { path: mine } });

    const recentOne = join(root, 'elsewhere', 'recent-one');
    await (
      await new ProjectStore({ appDataDir: join(root, 'other-app') }).create(recentOne, await seededPng(4))
    ).close();
    expect(await open(recentOne)).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
    await sessions.projectStore.recent.touch(recentOne, 'recent-one');
    expect(await open(recentOne)).toMatchObject({ ok: true, value: { path: recentOne } });

    sessions.roots.allowPath(foreignProject);
    expect(await open(foreignProject)).toMatchObject({ ok: true, value: { path: foreignProject } });
  });
});
