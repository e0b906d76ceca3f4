import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../../native-models/src';
import { ensureTinyModel } from '../../native-models/src/tiny/tiny-model';
import { describeModelFolder } from './modelStatus';
import { flipByteKeepingMtime } from '../../native-models/src/testing/flip-byte';

/** A real manifest, as the converter writes it (the tiny model's). */
let converted: Record<string, unknown>;
/** A converted model folder whole: the tiny model, copied so a test may damage it. */
let tinyCopy: string;
beforeAll(async () => {
  const tiny = await ensureTinyModel(0);
  converted = JSON.parse(await readFile(join(tiny, 'model.json'), 'utf8')) as typeof converted;
  tinyCopy = await mkdtemp(join(tmpdir(), 'qe-model-copy-'));
  await cp(tiny, tinyCopy, { recursive: true });
});

async function folderWith(manifest: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qe-model-'));
  await writeFile(
    join(dir, 'model.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
  );
  return dir;
}

describe('model folder status at engine start', () => {
  it('says demo without a model, ready for a manifest of this pipeline, invalid otherwise — with the reason', async () => {
    expect((await describeModelFolder(join(tmpdir(), 'qe-no-such-model'))).status).toBe('demo');
    expect(
      await describeModelFolder(await folderWith('{"pipeline": "QwenImageEditPipeline", "compo')),
    ).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('cannot be read'),
    });
    expect(
      await describeModelFolder(await folderWith({ ...converted, pipeline: 'FluxPipeline' })),
    ).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('FluxPipeline'),
    });
    expect(
      await describeModelFolder(await folderWith({ ...converted, components: { text: {} } })),
    ).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('lacks'),
    });
    expect(await describeModelFolder(tinyCopy)).toMatchObject({
      status: 'ready',
      detail: expect.stringContaining(String(converted.precision)),
    });
  });

  it('is not ready for a manifest the pipeline would refuse: a malformed field or another format version', async () => {
    const components = Object.fromEntries(COMPONENT_NAMES.map((c) => [c, {}]));
    const handMade = {
      pipeline: 'QwenImageEditPipeline',
      precision: 'bf16',
      formatVersion: converted.formatVersion,
      components,
    };
    expect(await describeModelFolder(await folderWith(handMade))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('malformed'),
    });
    expect(await describeModelFolder(await folderWith({ ...converted, precision: 'fp8' }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('precision'),
    });
    expect(await describeModelFolder(await folderWith({ ...converted, formatVersion: -1 }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('format version -1'),
    });
  });

  it('says invalid before the first edit for a file that leads out of the folder, and for a flipped byte once re-hashed', async () => {
    const linked = await mkdtemp(join(tmpdir(), 'qe-model-link-'));
    await cp(tinyCopy, linked, { recursive: true });
    const config = join(linked, 'tokenizer', 'tokenizer_config.json');
    const outside = join(await mkdtemp(join(tmpdir(), 'qe-outside-')), 'tokenizer_config.json');
    await cp(config, outside);
    await rm(config);
    await symlink(outside, config);
    expect(await describeModelFolder(linked)).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('tokenizer/tokenizer_config.json is a symlink that leads out'),
    });

    const flipped = await mkdtemp(join(tmpdir(), 'qe-model-flip-'));
    await cp(tinyCopy, flipped, { recursive: true });
    expect(await describeModelFolder(flipped, 'auto')).toMatchObject({ status: 'ready' });
    const data = join(flipped, 'vae_decoder', 'model.onnx.data');
    await flipByteKeepingMtime(data, 4096);
    expect(await describeModelFolder(flipped, 'auto')).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('vae_decoder/model.onnx.data: sha256 mismatch'),
    });
  });
});
