import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../../native-models/src';
import { ensureTinyModel } from '../../native-models/src/tiny/tiny-model';
import { describeModelFolder } from './modelStatus';

/** A real manifest, as the converter writes it (the tiny model's). */
let converted: Record<string, unknown>;
beforeAll(async () => {
  converted = JSON.parse(
    await readFile(join(await ensureTinyModel(0), 'model.json'), 'utf8'),
  ) as typeof converted;
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
    expect(describeModelFolder(join(tmpdir(), 'qe-no-such-model')).status).toBe('demo');
    expect(
      describeModelFolder(await folderWith('{"pipeline": "QwenImageEditPipeline", "compo')),
    ).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('cannot be read'),
    });
    expect(describeModelFolder(await folderWith({ ...converted, pipeline: 'FluxPipeline' }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('FluxPipeline'),
    });
    expect(describeModelFolder(await folderWith({ ...converted, components: { text: {} } }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('lacks'),
    });
    expect(describeModelFolder(await folderWith(converted))).toMatchObject({
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
    expect(describeModelFolder(await folderWith(handMade))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('malformed'),
    });
    expect(describeModelFolder(await folderWith({ ...converted, precision: 'fp8' }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('precision'),
    });
    expect(describeModelFolder(await folderWith({ ...converted, formatVersion: -1 }))).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('format version -1'),
    });
  });
});
