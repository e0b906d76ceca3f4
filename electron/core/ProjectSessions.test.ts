/**
 * The edit path the UI uses, end to end on real parts: a project on disk, the real engine process running
 * the real pipeline on the tiny demo model, the result recorded as a version.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditSettings } from '../shared/contract';
import { createDispatcher } from '../shared/dispatcher';
import type { ProjectTree } from '../shared/projectSchemas';
import { createAppHandlers } from './appHandlers';
import { EngineSupervisor } from './supervisor/EngineSupervisor';
import { forkEngine } from './supervisor/forkEngine';
import { ProjectSessions } from './ProjectSessions';
import { ProjectStore } from './projects/ProjectStore';
import { fullDiskFs } from './projects/testing/fullDiskFs';

describe('projects and edits through the contract', () => {
  const events: Array<{ name: string; payload: unknown }> = [];
  let dispatch: ReturnType<typeof createDispatcher>;
  let supervisor: EngineSupervisor;
  let sessions: ProjectSessions;
  let project: ProjectTree & { path: string };
  const settings: EditSettings = {
    prompt: 'make the sky purple',
    negativePrompt: ' ',
    seed: 42,
    cfg: 4,
    steps: 3,
    // Small, so the tiny model runs each edit in about a second on 2 cores; ≈1 MP takes over a minute.
    size: { width: 96, height: 64 },
    // The reference's working area too (upstream's is 1024², whatever the output size).
    area: 96 * 64,
    region: null,
    feather: 0,
  };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-sessions-'));
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
    const created = await dispatch('project:create', { name: 'poster.png', bytes: new Uint8Array(png) });
    if (!created.ok) throw new Error(created.error.message);
    project = created.value as typeof project;
  }, 300_000);
  afterAll(async () => {
    supervisor.stop();
    await sessions.closeAll();
  });

  const run = (jobId: string, parentId: string, s: EditSettings = settings) =>
    dispatch('edit:run', { jobId, projectId: project.projectId, parentId, settings: s });

  it('runs an edit on the demo model and records it as the new head, with its recipe', async () => {
    const root = project.head;
    const result = await run('edit-1', root);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { project: tree, versionId } = result.value as { project: ProjectTree; versionId: string };
    expect(tree.head).toBe(versionId);
    const node = tree.versions.find((v) => v.id === versionId)!;
    expect(node.parentId).toBe(root);
    expect(node.recipe).toMatchObject({
      prompt: 'make the sky purple',
      seed: 42,
      cfg: 4,
      steps: 3,
      negativePrompt: ' ',
    });
    expect(Object.keys(node.recipe!.model.files).length).toBeGreaterThan(0);
    const progress = events.filter(
      (e) => e.name === 'job:progress' && (e.payload as { jobId: string }).jobId === 'edit-1',
    );
    // The stages around the steps: the model opens on this first edit, and the result is decoded last.
    const seen = progress.map((e) => e.payload as { step: number; stage?: string });
    expect(seen.map((p) => (p.stage === 'denoising' ? p.step : p.stage))).toEqual([
      'loading-model',
      'encoding',
      1,
      2,
      3,
      'decoding',
    ]);

    const exported = await dispatch('version:export', {
      projectId: project.projectId,
      versionId,
      format: 'png',
    });
    expect(exported.ok).toBe(true);
    if (!exported.ok) return;
    const bytes = (exported.value as { bytes: Uint8Array }).bytes;
    const recipe = await dispatch('recipe:read', { bytes });
    expect(
      recipe.ok && (recipe.value as { recipe: { version: { recipe: unknown } } }).recipe.version.recipe,
    ).toEqual(node.recipe);
  });

  it('branches: rolling back and editing again makes a sibling; nothing is deleted', async () => {
    const tree0 = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    const root = tree0.value.versions.find((v) => v.parentId === null)!.id;
    const count = tree0.value.versions.length;
    const back = await dispatch('version:checkout', { projectId: project.projectId, versionId: root });
    expect(back.ok && (back.value as ProjectTree).head).toBe(root);
    const again = await run('edit-2', root, { ...settings, seed: 7 });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    const tree = (again.value as { project: ProjectTree }).project;
    expect(tree.versions).toHaveLength(count + 1);
    expect(tree.versions.filter((v) => v.parentId === root).length).toBeGreaterThanOrEqual(2);
  });

  it('cancel mid-run answers CANCELLED and leaves the tree unchanged', async () => {
    const before = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    const job = run('edit-cancel', before.value.head, { ...settings, steps: 40 });
    await waitFor(() =>
      events.some(
        (e) => e.name === 'job:progress' && (e.payload as { jobId: string }).jobId === 'edit-cancel',
      ),
    );
    await dispatch('job:cancel', { jobId: 'edit-cancel' });
    const result = await job;
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const after = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    expect(after.value.versions).toEqual(before.value.versions);
    expect(after.value.head).toBe(before.value.head);
  });

  it('a region edit leaves every pixel outside the box exactly as it was', async () => {
    const root = project.versions[0]!.id;
    const box = { kind: 'box' as const, x: 16, y: 8, width: 40, height: 24 };
    const result = await run('edit-region', root, { ...settings, region: box });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { versionId } = result.value as { versionId: string };
    const [a, b] = await Promise.all(
      [root, versionId].map(async (id) => {
        const r = (await dispatch('version:image', {
          projectId: project.projectId,
          versionId: id,
          thumbnail: false,
        })) as {
          ok: true;
          value: { bytes: Uint8Array };
        };
        return sharp(r.value.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      }),
    );
    expect(b!.info.width).toBe(a!.info.width);
    let outsideDiffers = 0;
    let insideDiffers = 0;
    for (let y = 0; y < a!.info.height; y++)
      for (let x = 0; x < a!.info.width; x++) {
        const i = (y * a!.info.width + x) * 3;
        const same =
          a!.data[i] === b!.data[i] && a!.data[i + 1] === b!.data[i + 1] && a!.data[i + 2] === b!.data[i + 2];
        const inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
        if (!inside && !same) outsideDiffers++;
        if (inside && !same) insideDiffers++;
      }
    expect(outsideDiffers).toBe(0);
    expect(insideDiffers).toBeGreaterThan(0);
    // "Use these settings" gets the region back: the stored mask is white exactly on the box.
    const regionMask = await dispatch('version:regionMask', { projectId: project.projectId, versionId });
    expect(regionMask).toMatchObject({ ok: true, value: { width: a!.info.width, height: a!.info.height } });
    const mask = await sharp((regionMask as { ok: true; value: { png: Uint8Array } }).value.png)
      .extractChannel(0)
      .raw()
      .toBuffer();
    const white = [...mask].flatMap((v, i) => (v === 255 ? [i] : []));
    expect(white).toHaveLength(box.width * box.height);
    expect(white[0]).toBe(box.y * a!.info.width + box.x);
    expect(
      await dispatch('version:regionMask', { projectId: project.projectId, versionId: root }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // The same box pasted back onto the source (the app's default): the replay below covers it too.
    const pasted = await run('edit-paste', root, { ...settings, region: box, outputMode: 'source' });
    expect(pasted.ok).toBe(true);
  });

  it('replays every edit in the project byte for byte (plain and region edits)', async () => {
    const tree = (await dispatch('project:open', { path: project.path })) as { ok: true; value: ProjectTree };
    const edits = tree.value.versions.filter((v) => v.kind === 'edit');
    expect(edits.some((v) => v.recipe?.region)).toBe(true);
    expect(edits.some((v) => v.recipe?.options.outputMode === 'source')).toBe(true);
    for (const v of edits) {
      const report = await dispatch('version:replay', {
        jobId: `replay-${v.id}`,
        projectId: project.projectId,
        versionId: v.id,
      });
      expect(report).toEqual({
        ok: true,
        value: { identical: true, pixelsIdentical: true, changedFraction: 0 },
      });
    }
  });

  it('refuses bad edit settings and unknown projects with clear errors', async () => {
    expect(await run('bad-steps', project.head, { ...settings, steps: 0 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await run('bad-cfg', project.head, { ...settings, cfg: -1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await dispatch('edit:run', { jobId: 'nope', projectId: 'missing', parentId: project.head, settings }),
    ).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
  });

  it('an edit that finishes on a full disk is kept, and saved when asked again after space returns', async () => {
    const fs = fullDiskFs(Infinity);
    const base = await mkdtemp(join(tmpdir(), 'qe-full-'));
    const full = new ProjectSessions(new ProjectStore({ appDataDir: base, fs }), join(base, 'projects'));
    const fullDispatch = createDispatcher(createAppHandlers(supervisor, full));
    try {
      const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#c03060' } })
        .png()
        .toBuffer();
      const made = await fullDispatch('project:create', { name: 'full.png', bytes: new Uint8Array(png) });
      if (!made.ok) throw new Error(made.error.message);
      const tree = made.value as ProjectTree;
      const edit = (jobId: string) =>
        fullDispatch('edit:run', { jobId, projectId: tree.projectId, parentId: tree.head, settings });
      fs.budget = 0;
      const failed = await edit('full-1');
      expect(failed).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
      expect(!failed.ok && failed.error.message).toMatch(/finished but could not be saved. It is kept/);
      // Still full: asking again fails the same way and keeps it.
      const still = await fullDispatch('edit:saveAgain', { projectId: tree.projectId });
      expect(still).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
      const reopened = await fullDispatch('project:open', { path: (made.value as { path: string }).path });
      expect(reopened).toMatchObject({ ok: true, value: { report: { unsavedEdits: 1 } } });
      fs.budget = Infinity;
      const saved = await fullDispatch('edit:saveAgain', { projectId: tree.projectId });
      if (!saved.ok) throw new Error(saved.error.message);
      const { project: after, versionIds } = saved.value as { project: ProjectTree; versionIds: string[] };
      expect(versionIds).toHaveLength(1);
      expect(after.head).toBe(versionIds[0]);
      const node = after.versions.find((v) => v.id === versionIds[0])!;
      expect(node).toMatchObject({
        parentId: tree.head,
        recipe: { prompt: 'make the sky purple', seed: 42 },
      });
      // The same pixels a fresh run makes: the kept result is the edit's, not a placeholder.
      const again = await edit('full-2');
      if (!again.ok) throw new Error(again.error.message);
      const second = (again.value as { project: ProjectTree; versionId: string }).project.versions.at(-1)!;
      expect(second.image.blob).toBe(node.image.blob);
      expect(await fullDispatch('edit:saveAgain', { projectId: tree.projectId })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    } finally {
      await full.closeAll();
    }
  });

  it('labels, makes thumbnails, diffs, exports, lists recent projects and deletes a branch', async () => {
    const projectId = project.projectId;
    const opened = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    const root = opened.value.versions.find((v) => v.parentId === null)!.id;
    const edit = opened.value.versions.find((v) => v.parentId === root)!.id;
    const labelled = await dispatch('version:label', { projectId, versionId: edit, label: ' purple sky ' });
    expect(labelled.ok && (labelled.value as ProjectTree).versions.find((v) => v.id === edit)!.label).toBe(
      'purple sky',
    );
    expect(await dispatch('version:image', { projectId, versionId: edit, thumbnail: true })).toMatchObject({
      ok: true,
      value: { mime: 'image/webp' },
    });
    const diff = await dispatch('version:diff', { projectId, a: root, b: edit });
    expect(diff).toMatchObject({ ok: true, value: { width: 96, height: 64 } });
    expect(diff.ok && (diff.value as { changedFraction: number }).changedFraction).toBeGreaterThan(0);
    expect(await dispatch('version:export', { projectId, versionId: edit, format: 'jpeg' })).toMatchObject({
      ok: true,
      value: { fileName: 'poster-purple-sky.jpg', mime: 'image/jpeg' },
    });
    expect(await dispatch('project:recent', {})).toMatchObject({
      ok: true,
      value: { items: [{ path: project.path, name: 'poster' }] },
    });
    const deleted = await dispatch('version:deleteBranch', { projectId, versionId: edit });
    expect(deleted.ok && (deleted.value as ProjectTree).versions.map((v) => v.id)).not.toContain(edit);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
