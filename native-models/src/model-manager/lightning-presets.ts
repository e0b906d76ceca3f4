/**
 * The one-click fast presets: one per Lightning LoRA of the catalogue — its base model, step count, CFG 1
 * (true CFG off: one transformer run per step) and the 'lightning' scheduler. The UI offers a preset when
 * its LoRA file is installed; a request built from one carries `steps`, `cfg`, `schedulerPreset` and the
 * LoRA at strength 1.
 */
import type { ModelVariant, SchedulerPreset } from '../pipeline/edit-vocabulary';
import { CATALOGUE } from './catalogue';

export type LightningPreset = Readonly<{
  /** The LoRA's catalogue id, e.g. `qwen-image-edit-lightning-4step`. */
  id: string;
  /** What a button says: "Fast (4 steps)". */
  label: string;
  steps: 4 | 8;
  cfg: 1;
  schedulerPreset: SchedulerPreset;
  /** The base model it needs: its variant and catalogue id. */
  variant: ModelVariant;
  baseId: string;
  /** The LoRA file, as its repo names it (the download keeps the name). */
  loraFile: string;
  /** Said where the preset is offered (the Lightning README's caveat). */
  note: string;
}>;

const VARIANT_OF_BASE: Readonly<Record<string, ModelVariant>> = {
  'qwen-image-edit': 'edit',
  'qwen-image-edit-2509': 'edit-2509',
  'qwen-image-edit-2511': 'edit-2511',
};

export const LIGHTNING_PRESETS: readonly LightningPreset[] = CATALOGUE.flatMap((entry) => {
  const steps = entry.lightningSteps;
  const file = entry.files?.[0];
  const variant = entry.baseId === undefined ? undefined : VARIANT_OF_BASE[entry.baseId];
  if (entry.kind !== 'lora' || !steps || !file || !variant) return [];
  return [
    {
      id: entry.id,
      label: `Fast (${steps} steps)`,
      steps,
      cfg: 1 as const,
      schedulerPreset: 'lightning' as const,
      variant,
      baseId: entry.baseId!,
      loraFile: file.split('/').pop()!,
      note: 'distilled for speed: weaker on small or dense text',
    },
  ];
});

/** The preset for a base variant and step count, if the catalogue has its LoRA. */
export function lightningPreset(variant: ModelVariant, steps: number): LightningPreset | undefined {
  return LIGHTNING_PRESETS.find((p) => p.variant === variant && p.steps === steps);
}
