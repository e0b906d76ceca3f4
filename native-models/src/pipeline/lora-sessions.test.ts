/**
 * LoRAs on the real ORT sessions of the tiny model: fused at load time they give the transformer the same
 * output as the same LoRA fused at conversion; strength 0 (or no LoRA) gives the base output bit for bit;
 * the sessions are rebuilt only when the LoRA set changes; a bad LoRA is a request error naming it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../convert/convert';
import { randomAdapters, writeTestLora } from '../lora/testing/test-loras';
import { openWeightsInFolder } from '../safetensors';
import { seededRandom, uniformArray } from '../testing/seeded';
import { maxAbsDiff } from '../testing/compare';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { ensureTinyModel } from '../tiny/tiny-model';
import type { EditModel, TokenGrid } from './edit-model';
import { EditRequestError } from './edit-request';
import { openEditModel } from './ort-edit-model';

const TARGETS = [
  'transformer_blocks.0.attn.to_q',
  'transformer_blocks.1.attn.to_add_out',
  'transformer_blocks.1.img_mlp.net.2',
  'transformer_blocks.0.img_mod.1',
  'transformer_blocks.1.txt_mod.1',
  'img_in',
];
const STRENGTH = 0.8;

let dir: string;
let lora: string;
let model: EditModel;
let converted: EditModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lora-sessions-'));
  const checkpoint = await ensureTinyCheckpoint(0);
  const weights = await openWeightsInFolder(join(checkpoint, 'transformer'));
  const shapes = new Map(
    TARGETS.map((m) => [m, weights.info(`${m}.weight`).shape as unknown as [number, number]]),
  );
  lora = join(dir, 'style.safetensors');
  await writeTestLora(lora, 'kohya', randomAdapters(shapes, 4, 23, 8));
  await convertCheckpoint(checkpoint, join(dir, 'fused'), {
    precision: 'fp32',
    loras: [{ path: lora, strength: STRENGTH }],
  });
  model = await openEditModel(await ensureTinyModel(0), { provider: 'cpu', threads: 1, verify: 'size' });
  converted = await openEditModel(join(dir, 'fused'), { provider: 'cpu', threads: 1, verify: 'size' });
}, 120_000);
afterAll(async () => {
  await model?.close();
  await converted?.close();
  await rm(dir, { recursive: true, force: true });
});

const grids: TokenGrid[] = [
  [1, 2, 2],
  [1, 2, 2],
];
const rng = seededRandom(5);
const tokens = uniformArray(8 * 64, rng);
const text = uniformArray(5 * 64, rng, 2);
const forward = (m: EditModel) => m.transformer(tokens, text, 5, 0.75, grids);

describe('LoRAs fused at load time', () => {
  it('equal the same LoRA fused at conversion; strength 0 and no LoRA give the base bit for bit', async () => {
    const base = await forward(model);
    expect(await converted.useLoras!([])).toEqual([
      {
        name: 'style.safetensors',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        strength: STRENGTH,
        fused: 'conversion',
      },
    ]);
    const atConversion = await forward(converted);

    const recipes = await model.useLoras!([{ path: lora, strength: STRENGTH }]);
    expect(recipes).toEqual([
      {
        name: 'style.safetensors',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        strength: STRENGTH,
        fused: 'load',
      },
    ]);
    const atLoad = await forward(model);
    const scale = atConversion.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbsDiff(atLoad, atConversion) / scale).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(atLoad, base) / scale).toBeGreaterThan(1e-3);

    await model.useLoras!([{ path: lora, strength: 0 }]);
    expect(await forward(model)).toEqual(base);
    await model.useLoras!([{ path: lora, strength: STRENGTH }]);
    await model.useLoras!([]);
    expect(await forward(model)).toEqual(base);
  });

  it('rebuilds the transformer session only when the LoRA set changes', async () => {
    await model.useLoras!([{ path: lora, strength: 0.5 }]);
    await forward(model);
    expect(model.openComponents()).toContain('transformer');
    await model.useLoras!([{ path: lora, strength: 0.5 }]);
    expect(model.openComponents()).toContain('transformer');
    await model.useLoras!([{ path: lora, strength: 0.25 }]);
    expect(model.openComponents()).not.toContain('transformer');
    await model.useLoras!([]);
  });

  it('a missing or foreign LoRA is a request error naming it, and the model still runs', async () => {
    const base = await forward(model);
    await expect(model.useLoras!([{ path: join(dir, 'nope.safetensors'), strength: 1 }])).rejects.toThrow(
      EditRequestError,
    );
    const foreign = join(dir, 'foreign.safetensors');
    await writeTestLora(
      foreign,
      'peft',
      randomAdapters(new Map([['blocks.0.self_attn.q', [8, 8] as [number, number]]]), 2, 1),
    );
    await expect(model.useLoras!([{ path: foreign, strength: 1 }])).rejects.toThrow(
      "LoRA foreign.safetensors: it adapts 'blocks.0.self_attn.q', a layer this model does not have",
    );
    expect(await forward(model)).toEqual(base);
  });
});
