/**
 * The LoRA and Lightning options `edit` and `convert` share: `--lora file[:strength]` (repeatable),
 * `--scheduler default|lightning`, and `--fast 4|8`, which is `--steps N --cfg 1 --scheduler lightning`
 * (true CFG off: one transformer run per step), as the Lightning LoRAs were distilled for.
 */
import { resolve } from 'node:path';
import type { EditRequest } from '../src/pipeline/edit-request';
import { EDIT_LIMITS } from '../src/pipeline/edit-vocabulary';
import type { LoraChoice } from '../src/pipeline/edit-vocabulary';
import { choiceOption, exclusive } from './arguments';
import type { OptionTable } from './arguments';
import { checkInputFile } from './input-file';
import { UsageError } from './usage-error';

export const LORA_OPTION = { lora: { type: 'string', multiple: true } } as const satisfies OptionTable;

export const LIGHTNING_OPTIONS = {
  scheduler: { type: 'string' },
  fast: { type: 'string' },
} as const satisfies OptionTable;

export const loraHelp = (fused: string) =>
  `  --lora <file>[:S]    a LoRA (.safetensors: diffusers/PEFT, kohya or lightx2v keys) at strength S, ${EDIT_LIMITS.loraStrength.min} to ${EDIT_LIMITS.loraStrength.max} (default ${EDIT_LIMITS.loraStrength.default}); repeatable; ${fused}`;

export const lightningHelp = `  --scheduler S        default (the model's) or lightning (shift 3, for the Lightning LoRAs)
  --fast N             4 or 8: --steps N --cfg 1 --scheduler lightning, for a Lightning LoRA given with --lora
                       (distilled models are weaker on small or dense text)`;

/**
 * `file[:strength]`: the strength is what follows the last ':' when that is a number, so a Windows path's
 * drive colon stays part of the file.
 */
export function loraChoice(text: string): LoraChoice {
  const colon = text.lastIndexOf(':');
  const tail = colon > 0 ? text.slice(colon + 1) : '';
  const numeric = tail.trim() !== '' && Number.isFinite(Number(tail));
  const path = numeric ? text.slice(0, colon) : text;
  const strength = numeric ? Number(tail) : EDIT_LIMITS.loraStrength.default;
  const { min, max } = EDIT_LIMITS.loraStrength;
  if (path === '') throw new UsageError(`--lora needs a file, got '${text}'`);
  if (strength < min || strength > max)
    throw new UsageError(`--lora strength must be from ${min} to ${max}, got '${text}'`);
  return { path: resolve(path), strength };
}

/** Every `--lora`, checked as a readable file before anything loads. */
export async function loraChoices(values: { lora?: string[] | undefined }): Promise<LoraChoice[]> {
  const choices = (values.lora ?? []).map(loraChoice);
  for (const c of choices) await checkInputFile(c.path);
  return choices;
}

/** The request fields `--scheduler` and `--fast` set. */
export function lightningFields(values: {
  scheduler?: string | boolean | undefined;
  fast?: string | boolean | undefined;
  steps?: unknown;
  cfg?: unknown;
}): Partial<EditRequest> {
  exclusive(values, 'fast', 'steps');
  exclusive(values, 'fast', 'cfg');
  exclusive(values, 'fast', 'scheduler');
  const fast = choiceOption('fast', values.fast, ['4', '8'] as const);
  if (fast !== undefined) return { steps: Number(fast), cfg: 1, schedulerPreset: 'lightning' };
  const scheduler = choiceOption('scheduler', values.scheduler, ['default', 'lightning'] as const);
  return scheduler !== undefined ? { schedulerPreset: scheduler } : {};
}
