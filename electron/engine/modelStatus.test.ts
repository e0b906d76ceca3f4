import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../../native-models/src';
import { describeModelFolder } from './modelStatus';

describe('model folder status at engine start', () => {
  it('says demo without a model, ready for a manifest of this pipeline, invalid otherwise — with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-model-'));
    expect(describeModelFolder(join(dir, 'none')).status).toBe('demo');

    await writeFile(join(dir, 'model.json'), '{"pipeline": "QwenImageEditPipeline", "compo');
    expect(describeModelFolder(dir)).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('cannot be read'),
    });

    await writeFile(join(dir, 'model.json'), JSON.stringify({ pipeline: 'FluxPipeline', components: {} }));
    expect(describeModelFolder(dir)).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('FluxPipeline'),
    });

    const components = Object.fromEntries(COMPONENT_NAMES.map((c) => [c, {}]));
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ pipeline: 'QwenImageEditPipeline', components: { text: {} } }),
    );
    expect(describeModelFolder(dir)).toMatchObject({
      status: 'invalid',
      detail: expect.stringContaining('lacks'),
    });

    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ pipeline: 'QwenImageEditPipeline', precision: 'bf16', components }),
    );
    expect(describeModelFolder(dir)).toMatchObject({
      status: 'ready',
      detail: expect.stringContaining('bf16'),
    });
  });
});
