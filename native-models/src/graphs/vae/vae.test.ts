import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../onnx/testing/runOnce';
import { maxAbsDiff } from '../../testing/compare';
import { randomArray, seededRandom } from '../../testing/seeded';
import { vaeTensors } from '../../config/vae-tensors';
import { vaeDecoderLayers, vaeEncoderLayers } from './architecture';
import { readVaeConfig } from '../../config/vae';
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from './graph';
import type { Image } from '../testing/vae-reference';
import { residualBlock, runVaeReference } from '../testing/vae-reference';
import { TINY_VAE_CONFIG, randomVaeWeights } from '../testing/tiny-vae';
import { openSafetensors, writeSafetensors } from '../../safetensors';

let dir: string;
const weights = randomVaeWeights(TINY_VAE_CONFIG, 7);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vae-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(modelPath: string, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  return Object.values(await runOnce(modelPath, feeds))[0]!;
}

function imageOf(t: ort.Tensor, batch: number): Image {
  const [, c, h, w] = t.dims as number[];
  const n = c! * h! * w!;
  return { c: c!, h: h!, w: w!, data: (t.data as Float32Array).slice(batch * n, (batch + 1) * n) };
}

describe('VAE architecture', () => {
  it('names every tensor of the tiny checkpoint (194 tensors, 3 602 371 parameters)', () => {
    const shapes = vaeTensors(TINY_VAE_CONFIG).map((t) => [t.name, t.shape] as const);
    expect(shapes).toHaveLength(194);
    expect(shapes.reduce((a, [, s]) => a + s.reduce((x, d) => x * d, 1), 0)).toBe(3_602_371);
    const byName = new Map(shapes);
    expect(byName.get('encoder.down_blocks.5.time_conv.weight')).toEqual([32, 32, 3, 1, 1]);
    expect(byName.get('decoder.up_blocks.1.resnets.0.conv_shortcut.weight')).toEqual([64, 32, 1, 1, 1]);
    expect(byName.get('decoder.up_blocks.0.upsamplers.0.time_conv.weight')).toEqual([128, 64, 3, 1, 1]);
    expect(byName.get('encoder.mid_block.attentions.0.norm.gamma')).toEqual([64, 1, 1]);
    expect(byName.has('decoder.up_blocks.2.upsamplers.0.time_conv.weight')).toBe(false);
  });

  it('rejects unsupported config values with the field named', () => {
    expect(() => readVaeConfig({ attn_scales: [0.5] })).toThrow(/attn_scales/);
    expect(() => readVaeConfig({ z_dim: 8 })).toThrow(/'z_dim'/);
    expect(() => readVaeConfig({ temperal_downsample: [true] })).toThrow(/temperal_downsample/);
  });
});

describe('VAE graphs on ORT CPU (tiny config)', () => {
  it('a residual block with a channel change matches the reference', async () => {
    // A one-layer "encoder" built from the real layer list: the first residual block with a shortcut conv.
    const layer = vaeEncoderLayers(TINY_VAE_CONFIG).find(
      (l) => l.kind === 'residual' && l.inDim !== l.outDim,
    );
    if (layer?.kind !== 'residual') throw new Error('no residual block with a shortcut');
    expect(layer.name).toBe('encoder.down_blocks.3');
    const { GraphBuilder } = await import('../../onnx');
    const { emitVaeLayer } = await import('./graph');
    const b = new GraphBuilder({ name: 'res', precision: 'fp32' });
    const x = b.input('x', 'float32', [1, 16, 'h', 'w']);
    b.output(emitVaeLayer(b, weights.source, x, layer), 'y', 'float32', [1, 32, 'h', 'w']);
    const saved = await b.save(join(dir, 'res'));
    const rng = seededRandom(1);
    const input: Image = { c: 16, h: 6, w: 10, data: randomArray(16 * 60, rng) };
    const out = await run(saved.modelPath, { x: new ort.Tensor('float32', input.data, [1, 16, 6, 10]) });
    const ref = residualBlock(input, weights.tensors, layer.name, 32);
    expect(out.dims).toEqual([1, 32, 6, 10]);
    expect(maxAbsDiff(out.data as Float32Array, ref.data)).toBeLessThan(1e-5);
  });

  it('encoder: [2,3,32,48] → mean [2,16,4,6], finite, deterministic, equal to the reference', async () => {
    const saved = await buildVaeEncoderGraph(
      TINY_VAE_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'enc'),
    );
    expect(saved.inputs).toEqual([
      { name: 'image', dtype: 'float32', dims: ['batch', 3, 'height', 'width'] },
    ]);
    const rng = seededRandom(2);
    const image = randomArray(2 * 3 * 32 * 48, rng, 0.5).map((v) => Math.max(-1, Math.min(1, v)));
    const feeds = { image: new ort.Tensor('float32', image, [2, 3, 32, 48]) };
    const a = await run(saved.modelPath, feeds);
    const again = await run(saved.modelPath, feeds);
    expect(a.dims).toEqual([2, 16, 4, 6]);
    const data = a.data as Float32Array;
    expect(data.every(Number.isFinite)).toBe(true);
    expect(Array.from(again.data as Float32Array)).toEqual(Array.from(data));
    const spread = Math.max(...data) - Math.min(...data);
    expect(spread).toBeGreaterThan(0.1);
    const layers = vaeEncoderLayers(TINY_VAE_CONFIG);
    for (const batch of [0, 1]) {
      const n = 3 * 32 * 48;
      const ref = runVaeReference(
        { c: 3, h: 32, w: 48, data: image.slice(batch * n, (batch + 1) * n) },
        layers,
        weights.tensors,
      );
      expect(maxAbsDiff(imageOf(a, batch).data, ref.data)).toBeLessThan(1e-5);
    }
  });

  it('decoder: [1,16,4,4] → image [1,3,32,32] in [−1, 1], deterministic, equal to the reference', async () => {
    const saved = await buildVaeDecoderGraph(
      TINY_VAE_CONFIG,
      weights.source,
      { precision: 'fp32' },
      join(dir, 'dec'),
    );
    const rng = seededRandom(3);
    const latents = randomArray(16 * 4 * 4, rng);
    const feeds = { latents: new ort.Tensor('float32', latents, [1, 16, 4, 4]) };
    const a = await run(saved.modelPath, feeds);
    const again = await run(saved.modelPath, feeds);
    expect(a.dims).toEqual([1, 3, 32, 32]);
    const data = a.data as Float32Array;
    expect(data.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(Array.from(again.data as Float32Array)).toEqual(Array.from(data));
    const ref = runVaeReference(
      { c: 16, h: 4, w: 4, data: latents },
      vaeDecoderLayers(TINY_VAE_CONFIG),
      weights.tensors,
    );
    expect(maxAbsDiff(data, ref.data)).toBeLessThan(1e-5);
    // Not saturated everywhere: the clamp is exercised but the image still carries signal.
    expect(data.filter((v) => Math.abs(v) < 1).length).toBeGreaterThan(data.length / 4);
  });

  it('builds the same decoder from a safetensors file (bytes copied from the file) as from memory', async () => {
    const file = join(dir, 'vae.safetensors');
    await writeSafetensors(
      file,
      [...weights.tensors].map(([name, t]) => ({
        name,
        dtype: 'F32' as const,
        shape: t.shape,
        data: () => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
    );
    const fromFile = await buildVaeDecoderGraph(
      TINY_VAE_CONFIG,
      await openSafetensors(file),
      {},
      join(dir, 'dec-file'),
    );
    const fromMemory = await buildVaeDecoderGraph(TINY_VAE_CONFIG, weights.source, {}, join(dir, 'dec-mem'));
    const latents = new ort.Tensor('float32', randomArray(16 * 2 * 2, seededRandom(4)), [1, 16, 2, 2]);
    const a = await run(fromFile.modelPath, { latents });
    const b = await run(fromMemory.modelPath, { latents });
    expect(a.dims).toEqual([1, 3, 16, 16]);
    expect(Array.from(a.data as Float32Array)).toEqual(Array.from(b.data as Float32Array));
  });
});
