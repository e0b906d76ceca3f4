/**
 * Test helper: small LoRA files for the tiny transformer's real module names, in each key layout, and
 * the plain-loop reference of what fusing them must give (float64 sums, rounded once to float32).
 */
import { f32ToBytes, writeSafetensors } from '../../safetensors';
import type { TensorToWrite } from '../../safetensors';
import { seededRandom, randomArray } from '../../testing/seeded';

export const LAYOUTS = ['peft', 'peft-default', 'diffusers-no-alpha', 'lightx2v', 'kohya'] as const;
export type LoraLayout = (typeof LAYOUTS)[number];

export type TestAdapter = Readonly<{
  module: string;
  out: number;
  in: number;
  rank: number;
  /** A `[rank, in]`. */
  down: Float32Array;
  /** B `[out, rank]`. */
  up: Float32Array;
  /** Absent: the file has none (scale 1). */
  alpha?: number;
}>;

/** Random adapters for `modules` (`[out, in]` each); `alpha` null: the file has none. */
export function randomAdapters(
  modules: ReadonlyMap<string, readonly [number, number]>,
  rank: number,
  seed: number,
  alpha: number | null = 2 * rank,
): TestAdapter[] {
  const rng = seededRandom(seed);
  return [...modules].map(([module, [out, inF]]) => ({
    module,
    out,
    in: inF,
    rank,
    down: randomArray(rank * inF, rng, 0.05),
    up: randomArray(out * rank, rng, 0.05),
    ...(alpha === null ? {} : { alpha }),
  }));
}

function keys(layout: LoraLayout, module: string): { down: string; up: string; alpha: string } {
  switch (layout) {
    case 'peft':
    case 'diffusers-no-alpha':
      return {
        down: `transformer.${module}.lora_A.weight`,
        up: `transformer.${module}.lora_B.weight`,
        alpha: `transformer.${module}.alpha`,
      };
    case 'peft-default':
      return {
        down: `base_model.model.${module}.lora_A.default.weight`,
        up: `base_model.model.${module}.lora_B.default.weight`,
        alpha: `base_model.model.${module}.alpha`,
      };
    case 'lightx2v':
      return {
        down: `diffusion_model.${module}.lora_down.weight`,
        up: `diffusion_model.${module}.lora_up.weight`,
        alpha: `diffusion_model.${module}.alpha`,
      };
    case 'kohya': {
      const k = `lora_unet_${module.replace(/\./g, '_')}`;
      return { down: `${k}.lora_down.weight`, up: `${k}.lora_up.weight`, alpha: `${k}.alpha` };
    }
  }
}

/** Writes `adapters` as a LoRA file in `layout` (float32, or bf16 where asked). */
export async function writeTestLora(
  path: string,
  layout: LoraLayout,
  adapters: readonly TestAdapter[],
): Promise<void> {
  const tensors: TensorToWrite[] = [];
  for (const a of adapters) {
    const k = keys(layout, a.module);
    tensors.push({
      name: k.down,
      dtype: 'F32',
      shape: [a.rank, a.in],
      data: () => f32ToBytes('F32', a.down),
    });
    tensors.push({ name: k.up, dtype: 'F32', shape: [a.out, a.rank], data: () => f32ToBytes('F32', a.up) });
    if (a.alpha !== undefined && layout !== 'diffusers-no-alpha') {
      const alpha = Float32Array.of(a.alpha);
      tensors.push({ name: k.alpha, dtype: 'F32', shape: [], data: () => f32ToBytes('F32', alpha) });
    }
  }
  await writeSafetensors(path, tensors);
}

/** `W + Σ strength·(alpha/rank)·B·A` for one `[out, in]` weight, summed in float64. */
export function referenceFused(
  base: Float32Array,
  terms: readonly Readonly<{ adapter: TestAdapter; strength: number; hasAlpha: boolean }>[],
): Float32Array {
  const out = new Float32Array(base.length);
  const { out: rows, in: cols } = terms[0]!.adapter;
  for (let o = 0; o < rows; o++) {
    for (let i = 0; i < cols; i++) {
      let value = base[o * cols + i]!;
      for (const { adapter: a, strength, hasAlpha } of terms) {
        const scale = hasAlpha && a.alpha !== undefined ? a.alpha / a.rank : 1;
        let dot = 0;
        for (let r = 0; r < a.rank; r++) dot += a.up[o * a.rank + r]! * a.down[r * cols + i]!;
        value += strength * scale * dot;
      }
      out[o * cols + i] = value;
    }
  }
  return out;
}
