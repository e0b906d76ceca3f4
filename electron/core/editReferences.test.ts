/**
 * Issue 11's settings through the contract on real parts (a project on disk, the real engine process on the
 * tiny Edit-2511): reference images kept as blobs in the recipe and given back on replay, the recorded
 * image-processor path, the LoRA library (list, add, refusals), and LoRA ids an edit cannot resolve.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditSettings, LoraItem } from '../shared/contract';
import { createDispatcher } from '../shared/dispatcher';
import type { ProjectTree } from '../shared/projectSchemas';
import { encodeSafetensorsHeader } from '../../native-models/src/safetensors';
import { ensureDemoModel } from '../../native-models/src/tiny/demo-model';
import { createAppHandlers } from './appHandlers';
import { EngineSupervisor } from './supervisor/EngineSupervisor';
import { forkEngine } from './supervisor/forkEngine';
import { ProjectSessions } from './ProjectSessions';
import { ProjectStore } from './projects/ProjectStore';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const solid = async (width: number, height: number, background: string, format: 'png' | 'jpeg' = 'png') => {
  const image = sharp({ create: { width, height, channels: 3, background } });
  return new Uint8Array(await (format === 'png' ? image.png() : image.jpeg()).toBuffer());
};

/** A tiny real LoRA file: safetensors with PEFT-named factors for one of the tiny transformer's projections (width 64). */
function loraFile(): Uint8Array {
  const tensors = [
    { name: 'transformer_blocks.0.attn.to_q.lora_A.weight', shape: [2, 64] },
    { name: 'transformer_blocks.0.attn.to_q.lora_B.weight', shape: [64, 2] },
  ];
  const header = encodeSafetensorsHeader(tensors.map((t) => ({ ...t, dtype: 'F32' as const })));
  const values = Float32Array.from({ length: 256 }, (_, i) => ((i % 13) - 6) / 100);
  const out = new Uint8Array(8 + header.length + values.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(new Uint8Array(values.buffer), 8 + header.length);
  return out;
}

describe('reference images, processor path and LoRA library through the contract', () => {
  let dispatch: ReturnType<typeof createDispatcher>;
  let supervisor: EngineSupervisor;
  let sessions: ProjectSessions;
  let project: ProjectTree & { path: string };
  let references: Uint8Array[];
  const settings: EditSettings = {
    prompt: 'put Picture 2 beside Picture 1',
    negativePrompt: ' ',
    seed: 5,
    cfg: 4,
    steps: 2,
    size: { width: 64, height: 64 },
    area: 64 * 64,
    region: null,
    feather: 0,
  };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-references-'));
    // The tiny Edit-2511 (the Plus pipeline takes reference images); the LoRA library in this test's folder.
    const model = await ensureDemoModel(0, 'edit-2511');
    supervisor = new EngineSupervisor(
      forkEngine({ env: { QWEN_EDIT_MODEL_DIR: model, QWEN_EDIT_MODELS_DIR: join(dir, 'models') } }),
      { appVersion: 'test' },
    );
    sessions = new ProjectSessions(new ProjectStore({ appDataDir: dir }), join(dir, 'projects'));
    dispatch = createDispatcher(createAppHandlers(supervisor, sessions));
    supervisor.start();
    await supervisor.whenReady();
    const created = await dispatch('project:create', {
      name: 'canvas.png',
      bytes: await solid(64, 64, '#3060c0'),
    });
    if (!created.ok) throw new Error(created.error.message);
    project = created.value as typeof project;
    references = [await solid(48, 80, '#c03030'), await solid(90, 40, '#30c060', 'jpeg')];
  }, 300_000);
  afterAll(async () => {
    supervisor.stop();
    await sessions.closeAll();
  });

  const run = (jobId: string, s: EditSettings) =>
    dispatch('edit:run', { jobId, projectId: project.projectId, parentId: project.head, settings: s });

  it('keeps the references as blobs with thumbnails, serves them, and replays the version byte for byte', async () => {
    const result = await run('refs-1', { ...settings, references });
    if (!result.ok) throw new Error(result.error.message);
    const { project: tree, versionId } = result.value as { project: ProjectTree; versionId: string };
    const recipe = tree.versions.find((v) => v.id === versionId)!.recipe!;
    expect(recipe.references?.map((r) => [r.blob, r.width, r.height])).toEqual([
      [`${sha256(references[0]!)}.png`, 48, 80],
      [`${sha256(references[1]!)}.jpg`, 90, 40],
    ]);
    expect(recipe.references?.every((r) => r.thumbnail?.endsWith('.webp'))).toBe(true);
    expect(recipe.options).toMatchObject({ imageProcessor: 'fast', variant: 'edit-2511' });
    for (const [index, bytes] of references.entries()) {
      const full = await dispatch('version:reference', {
        projectId: project.projectId,
        versionId,
        index,
        thumbnail: false,
      });
      expect(
        full.ok && Buffer.from((full.value as { bytes: Uint8Array }).bytes).equals(Buffer.from(bytes)),
      ).toBe(true);
      const thumb = await dispatch('version:reference', {
        projectId: project.projectId,
        versionId,
        index,
        thumbnail: true,
      });
      expect(thumb.ok && (thumb.value as { mime: string }).mime).toBe('image/webp');
    }
    expect(
      await dispatch('version:reference', {
        projectId: project.projectId,
        versionId,
        index: 2,
        thumbnail: false,
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const replay = await dispatch('version:replay', {
      jobId: 'refs-replay',
      projectId: project.projectId,
      versionId,
    });
    expect(replay).toEqual({
      ok: true,
      value: { identical: true, pixelsIdentical: true, changedFraction: 0 },
    });
  });

  it('refuses a reference that is not an image, naming its picture, and adds no version', async () => {
    const before = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    const result = await run('refs-bad', {
      ...settings,
      references: [references[0]!, new Uint8Array([1, 2, 3])],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_IMAGE' } });
    expect(!result.ok && result.error.message).toMatch(/^Picture 3 is not a PNG, JPEG or WebP image/);
    const after = (await dispatch('project:open', { path: project.path })) as {
      ok: true;
      value: ProjectTree;
    };
    expect(after.value.versions).toHaveLength(before.value.versions.length);
  });

  it('lists, adds and refuses LoRA files; an edit records its LoRA and replays; one naming a LoRA the library lacks is refused', async () => {
    const empty = await dispatch('loras:list', {});
    expect(empty.ok && (empty.value as { items: LoraItem[] }).items).toEqual([]);
    const added = await dispatch('loras:add', {
      name: 'Edit-2511-Lightning-4steps.safetensors',
      bytes: loraFile(),
    });
    expect(added).toMatchObject({
      ok: true,
      value: { id: 'file:Edit-2511-Lightning-4steps.safetensors', lightningSteps: 4, source: 'added' },
    });
    const listed = await dispatch('loras:list', {});
    expect(listed.ok && (listed.value as { items: LoraItem[] }).items.map((i) => i.id)).toEqual([
      'file:Edit-2511-Lightning-4steps.safetensors',
    ]);
    expect(await dispatch('loras:add', { name: 'junk.safetensors', bytes: new Uint8Array(4) })).toMatchObject(
      {
        ok: false,
        error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not a safetensors file/) },
      },
    );
    const lora = loraFile();
    const fused = await run('lora-run', {
      ...settings,
      loras: [{ id: 'file:Edit-2511-Lightning-4steps.safetensors', strength: 0.5 }],
    });
    if (!fused.ok) throw new Error(fused.error.message);
    const { project: tree, versionId } = fused.value as { project: ProjectTree; versionId: string };
    expect(tree.versions.find((v) => v.id === versionId)!.recipe!.loras).toEqual([
      {
        id: 'file:Edit-2511-Lightning-4steps.safetensors',
        name: 'Edit-2511-Lightning-4steps.safetensors',
        sha256: sha256(lora),
        strength: 0.5,
        fused: 'load',
      },
    ]);
    const replay = await dispatch('version:replay', {
      jobId: 'lora-replay',
      projectId: project.projectId,
      versionId,
    });
    expect(replay).toEqual({
      ok: true,
      value: { identical: true, pixelsIdentical: true, changedFraction: 0 },
    });
    const missing = await run('lora-missing', {
      ...settings,
      loras: [{ id: 'file:gone.safetensors', strength: 1 }],
    });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/no LoRA 'file:gone.safetensors'/) },
    });
    const pinned = await run('lora-pinned', {
      ...settings,
      loras: [{ id: 'file:Edit-2511-Lightning-4steps.safetensors', strength: 1, sha256: '0'.repeat(64) }],
    });
    expect(pinned).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not the file this recipe used/) },
    });
  });
});
