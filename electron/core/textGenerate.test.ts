/**
 * `text:generate` end to end on real parts: a project on disk, the real engine process running the text
 * generator of the tiny demo model (random weights: the text is gibberish, and the answer says `demo`).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextResult } from '../shared/contract';
import { createDispatcher } from '../shared/dispatcher';
import type { ProjectTree } from '../shared/projectSchemas';
import { createAppHandlers } from './appHandlers';
import { EngineSupervisor } from './supervisor/EngineSupervisor';
import { forkEngine } from './supervisor/forkEngine';
import { ProjectSessions } from './ProjectSessions';
import { ProjectStore } from './projects/ProjectStore';

describe('text:generate through the contract', () => {
  const events: Array<{ name: string; payload: unknown }> = [];
  let dispatch: ReturnType<typeof createDispatcher>;
  let supervisor: EngineSupervisor;
  let sessions: ProjectSessions;
  let project: ProjectTree & { path: string };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-text-'));
    supervisor = new EngineSupervisor(forkEngine({ env: { QWEN_EDIT_MODEL_DIR: join(dir, 'no-model') } }), {
      appVersion: 'test',
      onEvent: (name, payload) => events.push({ name, payload }),
    });
    sessions = new ProjectSessions(new ProjectStore({ appDataDir: dir }), join(dir, 'projects'));
    dispatch = createDispatcher(createAppHandlers(supervisor, sessions));
    supervisor.start();
    await supervisor.whenReady();
    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3060c0' } })
      .png()
      .toBuffer();
    const created = await dispatch('project:create', { name: 'sign.png', bytes: new Uint8Array(png) });
    if (!created.ok) throw new Error(created.error.message);
    project = created.value as ProjectTree & { path: string };
  }, 180_000);

  afterAll(async () => {
    supervisor.stop();
    await sessions.closeAll();
  });

  it('enhance streams its text as text:delta events and says the demo model answered', async () => {
    const result = await dispatch('text:generate', {
      jobId: 'enhance-1',
      projectId: project.projectId,
      versionId: project.head,
      task: 'enhance',
      instruction: 'make the sign say CLOSED',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as TextResult;
    expect(value.demo).toBe(true);
    expect(['stop', 'length']).toContain(value.reason);
    const deltas = events
      .filter((e) => e.name === 'text:delta' && (e.payload as { jobId: string }).jobId === 'enhance-1')
      .map((e) => (e.payload as { delta: string }).delta);
    expect(deltas.join('').trim()).toBe(value.text);
  });

  it('ocr answers with lines; bad requests get coded errors and change nothing', async () => {
    const ocr = await dispatch('text:generate', {
      jobId: 'ocr-1',
      projectId: project.projectId,
      versionId: project.head,
      task: 'ocr',
    });
    expect(ocr.ok && Array.isArray((ocr.value as TextResult).lines)).toBe(true);
    expect(
      await dispatch('text:generate', {
        jobId: 'empty',
        projectId: project.projectId,
        versionId: project.head,
        task: 'enhance',
        instruction: '   ',
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await dispatch('text:generate', {
        jobId: 'nope',
        projectId: 'missing',
        versionId: project.head,
        task: 'describe',
      }),
    ).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
    const tree = sessions.get(project.projectId).tree();
    expect(tree.versions).toHaveLength(1);
  });
});
