/**
 * The LoRAs an edit applies (issue 11): picked from the library (`loras:list`), each with a strength and an
 * on/off switch. A Lightning LoRA turns on the Lightning scheduler; its one-click presets set 4 or 8 steps
 * and CFG 1 (distilled: one transformer run per step).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LoraItem } from '../../../electron/shared/contract';
import { EDIT_LIMITS } from '../../../electron/shared/editVocabulary';
import type { SchedulerPreset } from '../../../electron/shared/editVocabulary';
import type { Recipe } from '../../../electron/shared/projectSchemas';
import type { AppState } from './appStore';

export type LoraPick = Readonly<{
  id: string;
  name: string;
  strength: number;
  enabled: boolean;
  lightningSteps: 4 | 8 | null;
}>;

export const LORA_STRENGTH = EDIT_LIMITS.loraStrength;

export type LorasSlice = {
  /** The library as last listed; null until it has been. */
  loraLibrary: readonly LoraItem[] | null;
  /** Where LoRA files can also be copied by hand. */
  loraFolder: string | null;
  loras: readonly LoraPick[];
  setLoraLibrary(folder: string, items: readonly LoraItem[]): void;
  addLora(item: LoraItem): void;
  setLoraStrength(id: string, strength: number): void;
  setLoraEnabled(id: string, enabled: boolean): void;
  removeLora(id: string): void;
  setLoras(picks: readonly LoraPick[]): void;
  /**
   * The "Fast (N steps)" preset: the library's Lightning LoRA for N steps on at strength 1 (other Lightning
   * LoRAs off), N steps, CFG 1. False when the library has none.
   */
  applyLightning(steps: 4 | 8): boolean;
};

const clampStrength = (v: number) =>
  Number.isFinite(v) ? Math.min(LORA_STRENGTH.max, Math.max(LORA_STRENGTH.min, v)) : LORA_STRENGTH.default;

const pickOf = (item: LoraItem): LoraPick => ({
  id: item.id,
  name: item.name,
  strength: LORA_STRENGTH.default,
  enabled: true,
  lightningSteps: item.lightningSteps,
});

/** The library's Lightning LoRA for `steps`, if it has one. */
export const lightningLora = (s: Pick<AppState, 'loraLibrary'>, steps: 4 | 8) =>
  s.loraLibrary?.find((item) => item.lightningSteps === steps) ?? null;

/** 'lightning' while an enabled LoRA is a Lightning one: its distillation assumes that schedule. */
export const selectSchedulerPreset = (s: Pick<AppState, 'loras'>): SchedulerPreset =>
  s.loras.some((l) => l.enabled && l.lightningSteps !== null) ? 'lightning' : 'default';

/** A recipe's LoRAs as picks, their Lightning steps from the library (or, unlisted, from the recipe's preset). */
export function loraPicksFromRecipe(recipe: Recipe, library: readonly LoraItem[] | null): LoraPick[] {
  const lightning = recipe.options.schedulerPreset === 'lightning';
  const steps = recipe.steps === 4 || recipe.steps === 8 ? recipe.steps : null;
  return (recipe.loras ?? []).map((l) => ({
    id: l.id,
    name: l.name,
    strength: l.strength,
    enabled: true,
    lightningSteps:
      library?.find((item) => item.id === l.id)?.lightningSteps ??
      (lightning && /lightning/i.test(l.name) ? steps : null),
  }));
}

export const createLorasSlice: StateCreator<AppState, [], [], LorasSlice> = (set, get) => ({
  loraLibrary: null,
  loraFolder: null,
  loras: [],
  setLoraLibrary: (loraFolder, items) => set({ loraFolder, loraLibrary: items }),
  addLora: (item) => {
    if (get().loras.some((l) => l.id === item.id) || get().loras.length >= EDIT_LIMITS.loras.max) return;
    set({ loras: [...get().loras, pickOf(item)] });
  },
  setLoraStrength: (id, strength) =>
    set({ loras: get().loras.map((l) => (l.id === id ? { ...l, strength: clampStrength(strength) } : l)) }),
  setLoraEnabled: (id, enabled) =>
    set({ loras: get().loras.map((l) => (l.id === id ? { ...l, enabled } : l)) }),
  removeLora: (id) => set({ loras: get().loras.filter((l) => l.id !== id) }),
  setLoras: (loras) => set({ loras: loras.slice(0, EDIT_LIMITS.loras.max) }),
  applyLightning: (steps) => {
    const item = lightningLora(get(), steps);
    if (!item) return false;
    const others = get().loras.filter((l) => l.id !== item.id);
    const loras = [
      ...others.map((l) => (l.lightningSteps !== null ? { ...l, enabled: false } : l)),
      { ...pickOf(item), strength: 1 },
    ];
    set({ loras, steps, cfg: 1 });
    return true;
  },
});
