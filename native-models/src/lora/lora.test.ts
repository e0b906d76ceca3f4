/**
 * LoRA files in every key layout, matched to the tiny transformer's real weights and fused through the
 * conversion path (a weight source seen through the LoRAs), against the plain-loop formula
 * `W + strength·(alpha/rank)·B·A`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWeightsInFolder } from '../safetensors';
import type { SafetensorsWeights } from '../safetensors';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { withLorasFused } from './fuse-at-conversion';
import { LoraError, openLoraFile } from './lora-file';
import { parseLoraKey } from './lora-keys';
import { LAYOUTS, randomAdapters, referenceFused, writeTestLora } from './testing/test-loras';
import type { TestAdapter } from './testing/test-loras';

/** One Linear of each kind the Qwen-Image block and its edges have. */
const TARGETS = [
  'transformer_blocks.0.attn.to_q',
  'transformer_blocks.0.attn.add_k_proj',
  'transformer_blocks.0.attn.to_out.0',
  'transformer_blocks.0.attn.to_add_out',
  'transformer_blocks.1.img_mlp.net.0.proj',
  'transformer_blocks.1.txt_mlp.net.2',
  'transformer_blocks.1.img_mod.1',
  'img_in',
  'norm_out.linear',
  'time_text_embed.timestep_embedder.linear_1',
];

let dir: string;
let base: SafetensorsWeights;
let shapes: Map<string, readonly [number, number]>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lora-'));
  base = await openWeightsInFolder(join(await ensureTinyCheckpoint(0), 'transformer'));
  shapes = new Map(
    TARGETS.map((m) => {
      const [out, inF] = base.info(`${m}.weight`).shape;
      return [m, [out!, inF!] as const];
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const relErr = (got: Float32Array, want: Float32Array) => {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return err / scale;
};

describe('LoRA key layouts', () => {
  it('reads the module and part of every layout', () => {
    const m = 'transformer_blocks.3.attn.to_add_out';
    expect(parseLoraKey(`transformer.${m}.lora_A.weight`)).toEqual({ module: m, kohya: false, part: 'down' });
    expect(parseLoraKey(`base_model.model.${m}.lora_B.default.weight`)).toEqual({
      module: m,
      kohya: false,
      part: 'up',
    });
    expect(parseLoraKey(`diffusion_model.${m}.lora_up.weight`)).toEqual({
      module: m,
      kohya: false,
      part: 'up',
    });
    expect(parseLoraKey(`${m}.alpha`)).toEqual({ module: m, kohya: false, part: 'alpha' });
    expect(parseLoraKey('lora_unet_transformer_blocks_3_attn_to_add_out.lora_down.weight')).toEqual({
      module: 'transformer_blocks_3_attn_to_add_out',
      kohya: true,
      part: 'down',
    });
    expect(parseLoraKey(`${m}.weight`)).toBeUndefined();
  });

  for (const layout of LAYOUTS) {
    it(`${layout}: every adapter lands on its weight, = W + s·(B·A)·alpha/rank to fp32 rounding`, async () => {
      const adapters = randomAdapters(shapes, 4, 7, layout === 'diffusers-no-alpha' ? null : 16);
      const path = join(dir, `${layout}.safetensors`);
      await writeTestLora(path, layout, adapters);
      const lora = await openLoraFile(path);
      expect(lora.modules).toHaveLength(TARGETS.length);
      const strength = 0.75;
      const fused = withLorasFused(base, [{ lora, strength }]);
      for (const a of adapters) {
        const name = `${a.module}.weight`;
        const want = referenceFused(await base.readF32(name), [{ adapter: a, strength, hasAlpha: true }]);
        const got = await fused.readF32(name);
        expect(relErr(got, want), name).toBeLessThanOrEqual(1e-6);
        expect(fused.locate(name)).toBeUndefined();
        // The update is really there: far above the rounding error.
        expect(relErr(await base.readF32(name), want), name).toBeGreaterThan(1e-3);
      }
      // A weight no adapter touches is still copied straight from its file.
      const untouched = 'transformer_blocks.0.attn.to_k.weight';
      expect(fused.locate(untouched)).toEqual(base.locate(untouched));
      expect(await fused.readF32(untouched)).toEqual(await base.readF32(untouched));
    });
  }

  it('two LoRAs on one weight add up, each with its own strength and alpha', async () => {
    const one = randomAdapters(new Map([[TARGETS[0]!, shapes.get(TARGETS[0]!)!]]), 2, 11, 1);
    const two = randomAdapters(new Map([[TARGETS[0]!, shapes.get(TARGETS[0]!)!]]), 8, 12, 32);
    await writeTestLora(join(dir, 'one.safetensors'), 'kohya', one);
    await writeTestLora(join(dir, 'two.safetensors'), 'peft', two);
    const fused = withLorasFused(base, [
      { lora: await openLoraFile(join(dir, 'one.safetensors')), strength: 1.5 },
      { lora: await openLoraFile(join(dir, 'two.safetensors')), strength: -0.5 },
    ]);
    const name = `${TARGETS[0]}.weight`;
    const want = referenceFused(await base.readF32(name), [
      { adapter: one[0]!, strength: 1.5, hasAlpha: true },
      { adapter: two[0]!, strength: -0.5, hasAlpha: true },
    ]);
    expect(relErr(await fused.readF32(name), want)).toBeLessThanOrEqual(1e-6);
  });

  it('strength 0 gives the base weights bit for bit', async () => {
    const adapters = randomAdapters(shapes, 4, 5);
    await writeTestLora(join(dir, 'zero.safetensors'), 'lightx2v', adapters);
    const fused = withLorasFused(base, [
      { lora: await openLoraFile(join(dir, 'zero.safetensors')), strength: 0 },
    ]);
    for (const m of TARGETS) {
      expect(fused.locate(`${m}.weight`)).toEqual(base.locate(`${m}.weight`));
      expect(await fused.readF32(`${m}.weight`)).toEqual(await base.readF32(`${m}.weight`));
    }
  });
});

describe('LoRAs that do not fit', () => {
  const adapterFor = (module: string, out: number, inF: number): TestAdapter =>
    randomAdapters(new Map([[module, [out, inF] as const]]), 2, 3)[0]!;

  for (const layout of ['peft', 'kohya'] as const) {
    it(`${layout}: a LoRA for a layer the model lacks is refused, naming the layer`, async () => {
      const path = join(dir, `missing-${layout}.safetensors`);
      await writeTestLora(path, layout, [adapterFor('transformer_blocks.7.attn.to_q', 64, 64)]);
      const lora = await openLoraFile(path);
      const named = layout === 'kohya' ? 'transformer_blocks_7_attn_to_q' : 'transformer_blocks.7.attn.to_q';
      expect(() => withLorasFused(base, [{ lora, strength: 1 }])).toThrow(LoraError);
      expect(() => withLorasFused(base, [{ lora, strength: 1 }])).toThrow(
        `LoRA missing-${layout}.safetensors: it adapts '${named}', a layer this model does not have`,
      );
    });
  }

  it('a LoRA whose shapes do not match the weight is refused with both shapes', async () => {
    const [out, inF] = shapes.get(TARGETS[0]!)!;
    const path = join(dir, 'shape.safetensors');
    await writeTestLora(path, 'peft', [adapterFor(TARGETS[0]!, out, inF * 2)]);
    const lora = await openLoraFile(path);
    expect(() => withLorasFused(base, [{ lora, strength: 1 }])).toThrow(
      `${TARGETS[0]} is [${out}, ${inF}] in the model but the LoRA makes [${out}, ${inF * 2}]`,
    );
  });

  it('a file with a tensor outside any adapter is refused, naming the tensor', async () => {
    const path = join(dir, 'stray.safetensors');
    const { writeSafetensors, f32ToBytes } = await import('../safetensors');
    await writeSafetensors(path, [
      {
        name: 'transformer.img_in.weight',
        dtype: 'F32',
        shape: [1],
        data: () => f32ToBytes('F32', Float32Array.of(1)),
      },
    ]);
    await expect(openLoraFile(path)).rejects.toThrow(
      "LoRA stray.safetensors: tensor 'transformer.img_in.weight' is not part of a LoRA adapter",
    );
  });
});
