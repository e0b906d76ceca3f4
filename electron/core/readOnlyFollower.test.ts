/**
 * A second opener of a project (read-only, because another process writes it) stays current with the
 * writer's saves, and takes over as the writer when that process dies — without being reopened.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectTree } from '../shared/projectSchemas';
import { ProjectSessions } from './ProjectSessions';
import { ProjectStore } from './projects/ProjectStore';
import { seededPng } from './projects/testing/images';

const sessionsToClose: ProjectSessions[] = [];
afterAll(async () => {
  for (const s of sessionsToClose) await s.closeAll();
});

/** Resolves with the first change event that satisfies `test`. */
function nextChange(sessions: ProjectSessions, test: (tree: ProjectTree) => boolean): Promise<ProjectTree> {
  return new Promise((resolve) => {
    const off = sessions.onChanged((tree) => {
      if (!test(tree)) return;
      off();
      resolve(tree);
    });
  });
}

describe('a read-only second opener', () => {
  it('receives the writer’s changes and becomes the writer when the writer dies', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qe-follow-'));
    const sessions = new ProjectSessions(new ProjectStore({ appDataDir: root }), join(root, 'projects'));
    sessionsToClose.push(sessions);
    const made = await sessions.create('shared.png', await seededPng(5));
    const dir = made.dir;
    const rootId = made.head;
    await sessions.closeAll();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'testing/writerChild.ts'), dir],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');

    const viewer = await sessions.open(dir);
    expect(viewer.readOnly).toBe(true);

    const labelled = nextChange(sessions, (t) => t.versions[0]?.label === 'from the writer');
    child.stdin!.write(`label ${rootId} from the writer\n`);
    expect((await lines.next()).value).toBe('done');
    expect(await labelled).toMatchObject({
      readOnly: true,
      versions: [{ id: rootId, label: 'from the writer' }],
    });
    expect(sessions.get(viewer.id).getVersion(rootId).label).toBe('from the writer');

    const tookOver = nextChange(sessions, (t) => !t.readOnly);
    child.kill('SIGKILL');
    expect(await tookOver).toMatchObject({ readOnly: false, versions: [{ label: 'from the writer' }] });
    const writer = sessions.get(viewer.id);
    expect(writer.readOnly).toBe(false);
    await writer.setLabel(rootId, 'mine now');
    expect(writer.getVersion(rootId).label).toBe('mine now');
  });
});
