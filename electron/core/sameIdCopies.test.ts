/**
 * A copy of a project folder (a backup, a duplicate) has the same id in its project.json. Opened beside its
 * original through the contract, it is a project of its own: each has its own handle and writer, and an
 * edit lands in the folder the user made it in. The same folder reached by another spelling is one project.
 */
import { cp, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../shared/dispatcher';
import type { ProjectTree } from '../shared/projectSchemas';
import { projectHandlers } from './handlers/projectHandlers';
import { versionHandlers } from './handlers/versionHandlers';
import { ProjectSessions } from './ProjectSessions';
import { Project } from './projects/Project';
import { ProjectStore } from './projects/ProjectStore';
import { makeTempDir, sampleRecipe, seededPng } from './projects/testing/images';

let dir: string;
let sessions: ProjectSessions;
let dispatch: ReturnType<typeof createDispatcher>;

beforeEach(async () => {
  dir = await makeTempDir();
  sessions = new ProjectSessions(new ProjectStore({ appDataDir: dir }), join(dir, 'projects'));
  dispatch = createDispatcher({ ...projectHandlers(sessions), ...versionHandlers(sessions) });
});
afterEach(async () => {
  await sessions.closeAll();
  await rm(dir, { recursive: true, force: true });
});

const value = async <T>(answer: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> => {
  const result = await answer;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
};
const open = (path: string) => value<ProjectTree & { path: string }>(dispatch('project:open', { path }));
const labelOnDisk = async (folder: string, versionId: string) =>
  (JSON.parse(await readFile(join(folder, 'project.json'), 'utf8')) as ProjectTree).versions.find(
    (v) => v.id === versionId,
  )?.label;

describe('two folders with the same project id', () => {
  it('open side by side as two writable projects; a label lands where it was made', async () => {
    const original = join(dir, 'original');
    const p = await Project.create(original, await seededPng(0));
    const v = await p.addVersion({ parentId: p.head, png: await seededPng(1), recipe: sampleRecipe(1) });
    const fileId = p.id;
    await p.close();
    const copy = join(dir, 'copy');
    await cp(original, copy, { recursive: true });

    const a = await open(original);
    const b = await open(copy);
    expect(a.projectId).not.toBe(b.projectId);
    expect([a.readOnly, b.readOnly]).toEqual([false, false]);
    expect(sessions.get(a.projectId).id).toBe(fileId);
    expect(sessions.get(b.projectId).id).toBe(fileId);

    const labelled = await value<ProjectTree>(
      dispatch('version:label', { projectId: b.projectId, versionId: v.id, label: 'in the copy' }),
    );
    expect(labelled.projectId).toBe(b.projectId);
    await value(
      dispatch('version:label', { projectId: a.projectId, versionId: v.id, label: 'in the original' }),
    );
    expect(await labelOnDisk(copy, v.id)).toBe('in the copy');
    expect(await labelOnDisk(original, v.id)).toBe('in the original');
  });

  it('the same folder by another spelling or through a symlink is the same open project', async () => {
    const folder = join(dir, 'one');
    await (await Project.create(folder, await seededPng(0))).close();
    await symlink(folder, join(dir, 'link'));
    const first = await open(folder);
    const again = [
      await open(`${folder}/`),
      await open(join(dir, 'link')),
      await open(join(dir, 'x', '..', 'one')),
    ];
    expect(again.map((t) => [t.projectId, t.readOnly])).toEqual(again.map(() => [first.projectId, false]));
  });
});
