/**
 * Which weights a set of LoRAs changes, and by what: every adapter is matched to a module of the model
 * (kohya names through the model's own module list) and checked against the weight's shape, before a
 * single byte is fused. An adapter for a module the model lacks is an error naming it.
 */
import { LoraError } from './lora-file';
import type { LoraFile, LoraModule } from './lora-file';
import { kohyaName } from './lora-keys';

export type LoraApplication = Readonly<{ lora: LoraFile; strength: number }>;

/** A Linear of the model, as PyTorch holds its weight: `[out, in]`. */
export type ModuleShape = Readonly<{ out: number; in: number }>;

/** One adapter's share of a weight: `factor · B·A`, with `factor = strength · alpha / rank`. */
export type FusionTerm = Readonly<{ lora: LoraFile; adapter: LoraModule; factor: number }>;

/** Every module some LoRA changes, with its terms in the order the LoRAs were given. */
export function planFusion(
  loras: readonly LoraApplication[],
  modules: ReadonlyMap<string, ModuleShape>,
): Map<string, FusionTerm[]> {
  const byKohya = new Map<string, string[]>();
  for (const module of modules.keys()) {
    const k = kohyaName(module);
    byKohya.set(k, [...(byKohya.get(k) ?? []), module]);
  }
  const plan = new Map<string, FusionTerm[]>();
  for (const { lora, strength } of loras) {
    if (!Number.isFinite(strength))
      throw new LoraError(`LoRA ${lora.name}: strength ${strength} is not a number`);
    for (const adapter of lora.modules) {
      const target = resolve(lora, adapter, modules, byKohya);
      const shape = modules.get(target)!;
      if (shape.out !== adapter.outFeatures || shape.in !== adapter.inFeatures)
        throw new LoraError(
          `LoRA ${lora.name}: ${target} is [${shape.out}, ${shape.in}] in the model but the LoRA makes [${adapter.outFeatures}, ${adapter.inFeatures}] (a LoRA for another model?)`,
        );
      // Strength 0 leaves the weight as it is, bit for bit: such a term is not computed at all.
      if (strength === 0) continue;
      plan.set(target, [...(plan.get(target) ?? []), { lora, adapter, factor: strength * adapter.scale }]);
    }
  }
  return plan;
}

function resolve(
  lora: LoraFile,
  adapter: LoraModule,
  modules: ReadonlyMap<string, ModuleShape>,
  byKohya: ReadonlyMap<string, readonly string[]>,
): string {
  if (!adapter.kohya) {
    if (modules.has(adapter.module)) return adapter.module;
  } else {
    const found = byKohya.get(adapter.module) ?? [];
    if (found.length > 1)
      throw new LoraError(`LoRA ${lora.name}: ${adapter.module} could mean ${found.join(' or ')}`);
    if (found.length === 1) return found[0]!;
  }
  throw new LoraError(
    `LoRA ${lora.name}: it adapts '${adapter.module}', a layer this model does not have (a LoRA for another model?)`,
  );
}
