/**
 * LoRAs fused at conversion: the checkpoint's weight source, seen through the LoRAs. A Linear weight some
 * LoRA changes is read, patched in float32 and handed on (then rounded to bf16 or quantised to int8/int4 by
 * the builder, so the LoRA is fused before quantising); every other tensor passes through untouched, still
 * copied byte for byte from its file. One weight is in memory at a time.
 */
import type { WeightSource } from '../weights';
import { addLowRank } from './delta-kernel';
import { planFusion } from './fusion-plan';
import type { FusionTerm, LoraApplication, ModuleShape } from './fusion-plan';
import { scaled } from './delta-kernel';

/** Every 2-D `<module>.weight` of the source, as `[out, in]`. */
function linears(source: WeightSource): Map<string, ModuleShape> {
  const out = new Map<string, ModuleShape>();
  for (const name of source.names()) {
    const module = /^(.*)\.weight$/.exec(name)?.[1];
    const shape = source.info(name).shape;
    if (module && shape.length === 2) out.set(module, { out: shape[0]!, in: shape[1]! });
  }
  return out;
}

/** `source` with `loras` fused into its weights; throws before anything is read for a LoRA that does not fit. */
export function withLorasFused(source: WeightSource, loras: readonly LoraApplication[]): WeightSource {
  const shapes = linears(source);
  const plan = planFusion(loras, shapes);
  const termsOf = (name: string): readonly FusionTerm[] | undefined =>
    name.endsWith('.weight') ? plan.get(name.slice(0, -'.weight'.length)) : undefined;
  return {
    names: () => source.names(),
    has: (name) => source.has(name),
    info: (name) => source.info(name),
    locate: (name) => (termsOf(name) ? undefined : source.locate(name)),
    async readF32(name) {
      const terms = termsOf(name);
      const base = await source.readF32(name);
      if (!terms) return base;
      const { out, in: inF } = shapes.get(name.slice(0, -'.weight'.length))!;
      const lowRank = [];
      for (const { lora, adapter, factor } of terms) {
        lowRank.push({
          x: scaled(await lora.weights.readF32(adapter.up), factor), // [out, rank]
          y: await lora.weights.readF32(adapter.down), // [rank, in]
          rank: adapter.rank,
        });
      }
      return addLowRank(base, out, inF, lowRank);
    },
  };
}
