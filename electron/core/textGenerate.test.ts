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

  it('reads the text in a region: the same answer as for an image of just that part', async () => {
    const [width, height] = [120, 80];
    const rgb = Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 13) % 251));
    const raw = { raw: { width, height, channels: 3 as const } };
    const whole = await sharp(rgb, raw).png().toBuffer();
    const box = { x: 30, y: 10, width: 64, height: 48 };
    const part = await sharp(rgb, raw)
      .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
      .png()
      .toBuffer();
    const open = async (name: string, png: Buffer) => {
      const created = await dispatch('project:create', { name, bytes: new Uint8Array(png) });
      if (!created.ok) throw new Error(created.error.message);
      return created.value as ProjectTree;
    };
    const [a, b] = [await open('poster.png', whole), await open('part.png', part)];
    const ocr = async (p: ProjectTree, region?: typeof box) =>
      dispatch('text:generate', {
        jobId: `ocr-${p.projectId}`,
        projectId: p.projectId,
        versionId: p.head,
        task: 'ocr',
        ...(region ? { region } : {}),
      });
    const inRegion = await ocr(a, box);
    const ofPart = await ocr(b);
    expect(inRegion.ok && ofPart.ok).toBe(true);
    expect((inRegion as { value: TextResult }).value).toEqual((ofPart as { value: TextResult }).value);
    // A box clipped at the edge is read (20×20: smaller than a vision patch); a box beside the image is refused.
    expect(await ocr(a, { x: 100, y: 60, width: 64, height: 64 })).toMatchObject({ ok: true });
    expect(await ocr(a, { x: 120, y: 0, width: 10, height: 10 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/outside the 120×80 image/) },
    });
  });
});
