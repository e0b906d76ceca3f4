/**
 * The key layouts LoRA files for the Qwen-Image transformer come in, reduced to one form: a module and
 * which part of its adapter a tensor is. diffusers' `_convert_non_diffusers_qwen_lora_to_diffusers` reads
 * the same layouts:
 * - diffusers / PEFT: `[transformer.|base_model.model.]<module>.lora_A[.default].weight`, `lora_B`, and an
 *   optional `<module>.alpha`;
 * - lightx2v (the Lightning LoRAs): `[diffusion_model.]<module>.lora_down.weight`, `lora_up`, `<module>.alpha`;
 * - kohya / ComfyUI: `lora_unet_<module with '.' written '_'>.lora_down.weight`, `lora_up`, `.alpha`.
 * A kohya name cannot be split back into a dotted path on its own (`to_q` keeps its underscore,
 * `transformer_blocks_0` does not), so it is resolved against the model's own module names instead.
 */

export type LoraPart = 'down' | 'up' | 'alpha';

/** A tensor key of a LoRA file, understood: the module it adapts (dotted, or kohya's underscored form). */
export type LoraKey = Readonly<{ module: string; kohya: boolean; part: LoraPart }>;

const PREFIXES = ['transformer.', 'base_model.model.', 'diffusion_model.'];
const KOHYA_PREFIX = 'lora_unet_';

const SUFFIXES: readonly (readonly [string, LoraPart])[] = [
  ['.lora_A.default.weight', 'down'],
  ['.lora_B.default.weight', 'up'],
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.alpha', 'alpha'],
];

/** What `key` adapts, or undefined when it follows none of the layouts. */
export function parseLoraKey(key: string): LoraKey | undefined {
  const suffix = SUFFIXES.find(([s]) => key.endsWith(s));
  if (!suffix) return undefined;
  let module = key.slice(0, key.length - suffix[0].length);
  const prefix = PREFIXES.find((p) => module.startsWith(p));
  if (prefix) module = module.slice(prefix.length);
  const kohya = module.startsWith(KOHYA_PREFIX);
  if (kohya) module = module.slice(KOHYA_PREFIX.length);
  if (module.length === 0) return undefined;
  return { module, kohya, part: suffix[1] };
}

/** kohya's spelling of a dotted module name. */
export const kohyaName = (module: string): string => module.replace(/\./g, '_');
