/**
 * One set of rules for every image the app takes in (an opened file, a mask, a PNG read for its recipe), with
 * one pixel cap that the engine's decoder shares.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRgbImage } from '../../../native-models/src/pipeline/load-image';
import { MAX_IMAGE_PIXELS, type EditSettings } from '../../shared/contract';
import { createDispatcher } from '../../shared/dispatcher';
import { createAppHandlers } from '../appHandlers';
import { ProjectSessions } from '../ProjectSessions';
import { EngineSupervisor } from '../supervisor/EngineSupervisor';
import { forkEngine } from '../supervisor/forkEngine';
import { writeChunks, readChunks } from './pngChunks';
import { ProjectStore } from './ProjectStore';
import { seededPng } from './testing/images';
import { bigPngHeader } from './testing/tinyPng';

let dispatch: ReturnType<typeof createDispatcher>;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qe-image-rules-'));
  // Never started: every request below must be refused before it could reach an engine.
  const supervisor = new EngineSupervisor(forkEngine({ env: {} }), { appVersion: 'test' });
  const sessions = new ProjectSessions(new ProjectStore({ appDataDir: dir }), join(dir, 'projects'));
  dispatch = createDispatcher(createAppHandlers(supervisor, sessions));
});

const bytes = (b: Buffer | Uint8Array) => new Uint8Array(b);
const gif = () =>
  sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
    .gif()
    .toBuffer();

/** An APNG: acTL (frame count) before the image data, which decoders without APNG support show as a still. */
async function apng(frames: number): Promise<Uint8Array> {
  const [ihdr, ...rest] = readChunks(await seededPng(1, 16, 16));
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames, 0);
  return bytes(writeChunks([ihdr!, { type: 'acTL', data: actl }, ...rest]));
}

describe('image rules', () => {
  it('refuses at import an image beyond 200:1 with that reason, and takes one at 200:1', async () => {
    const narrow = await dispatch('image:inspect', {
      name: 'strip.png',
      bytes: bytes(await seededPng(1, 402, 2)),
    });
    expect(narrow).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_IMAGE',
        message: expect.stringMatching(
          /strip\.png is 402×2, an aspect ratio of 201:1; the edit model works on images up to 200:1/,
        ),
      },
    });
    const created = await dispatch('project:create', {
      name: 'strip.png',
      bytes: bytes(await seededPng(1, 402, 2)),
    });
    expect(created).toMatchObject({ ok: false, error: { code: 'INVALID_IMAGE' } });
    const edge = await dispatch('image:inspect', {
      name: 'edge.png',
      bytes: bytes(await seededPng(1, 400, 2)),
    });
    expect(edge).toMatchObject({ ok: true, value: { width: 400, height: 2 } });
  });

  it('says an animated WebP or APNG has frames (the first is used); a still image says nothing', async () => {
    const frame = (c: string) =>
      sharp({ create: { width: 16, height: 8, channels: 3, background: c } })
        .png()
        .toBuffer();
    const webp = await sharp([await frame('#f00'), await frame('#00f')], { join: { animated: true } })
      .webp({ loop: 0 })
      .toBuffer();
    expect(await dispatch('image:inspect', { name: 'a.webp', bytes: bytes(webp) })).toMatchObject({
      ok: true,
      value: { format: 'webp', animatedFrames: 2 },
    });
    expect(await dispatch('image:inspect', { name: 'a.png', bytes: await apng(3) })).toMatchObject({
      ok: true,
      value: { format: 'png', width: 16, height: 16, animatedFrames: 3 },
    });
    const still = await dispatch('image:inspect', { name: 's.png', bytes: bytes(await seededPng(1)) });
    expect(still.ok).toBe(true);
    expect(still.ok && Object.keys(still.value as object).sort()).toEqual([
      'bytes',
      'format',
      'height',
      'width',
    ]);
  });

  it('refuses a format it refuses at import as a mask and as a recipe source too', async () => {
    const refusal = {
      ok: false,
      error: { code: 'INVALID_IMAGE', message: expect.stringContaining('is not a PNG, JPEG or WebP image') },
    };
    expect(await dispatch('image:inspect', { name: 'x.gif', bytes: bytes(await gif()) })).toMatchObject(
      refusal,
    );
    expect(await dispatch('recipe:read', { bytes: bytes(await gif()) })).toMatchObject(refusal);
    const created = await dispatch('project:create', { name: 'p.png', bytes: bytes(await seededPng(2)) });
    if (!created.ok) throw new Error(created.error.message);
    const project = created.value as { projectId: string; head: string };
    const settings: EditSettings = {
      prompt: 'x',
      negativePrompt: '',
      seed: 0,
      cfg: 1,
      steps: 1,
      size: null,
      region: { kind: 'mask', png: bytes(await gif()) },
      feather: 0,
    };
    const edit = await dispatch('edit:run', {
      jobId: 'mask-gif',
      projectId: project.projectId,
      parentId: project.head,
      settings,
    });
    expect(edit).toMatchObject(refusal);
  });

  it('shares one pixel cap between import and the engine decoder', async () => {
    const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
    const huge = bigPngHeader(side, side);
    expect(await dispatch('image:inspect', { name: 'huge.png', bytes: huge })).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_TOO_LARGE' },
    });
    await expect(loadRgbImage(huge)).rejects.toThrow(`more than the ${MAX_IMAGE_PIXELS / 1e6} MP`);
    const under = bigPngHeader(side - 2, side - 2);
    await expect(loadRgbImage(under)).rejects.toThrow(/cannot decode/);
  });
});
