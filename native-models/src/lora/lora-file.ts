/**
 * A LoRA file opened: its name, sha256 and, per module it adapts, the down (A, `[rank, in]`) and up
 * (B, `[out, rank]`) tensors and the scale `alpha / rank` (1 without an alpha, as ComfyUI and PEFT's
 * default `lora_alpha = rank` give). An `alpha` beside `lora_A`/`lora_B` is applied too, as ComfyUI does
 * (diffusers' Qwen converter drops it there). Only the header is read here; tensors are read when fused.
 */
import { basename } from 'node:path';
import { sha256File } from '../model-store/hash';
import { openSafetensors } from '../safetensors';
import type { SafetensorsWeights } from '../safetensors';
import { parseLoraKey } from './lora-keys';
import type { LoraKey } from './lora-keys';

export type LoraModule = Readonly<{
  /** The module as the file names it (dotted, or kohya's underscored form when `kohya`). */
  module: string;
  kohya: boolean;
  down: string;
  up: string;
  rank: number;
  inFeatures: number;
  outFeatures: number;
  /** `alpha / rank`. */
  scale: number;
}>;

export type LoraFile = Readonly<{
  path: string;
  name: string;
  sha256: string;
  modules: readonly LoraModule[];
  weights: SafetensorsWeights;
}>;

/** A LoRA file that cannot be applied; the message names the file and the tensor or module. */
export class LoraError extends Error {
  override name = 'LoraError';
}

/** Opens `path`, checks that every tensor belongs to an adapter and that each adapter's shapes agree. */
export async function openLoraFile(path: string, knownSha256?: string): Promise<LoraFile> {
  const name = basename(path);
  const weights = await openSafetensors(path).catch((error: Error) => {
    throw new LoraError(`LoRA ${name}: ${error.message}`);
  });
  const parts = new Map<string, { kohya: boolean; down?: string; up?: string; alpha?: string }>();
  for (const key of weights.names()) {
    const parsed: LoraKey | undefined = parseLoraKey(key);
    if (!parsed)
      throw new LoraError(
        `LoRA ${name}: tensor '${key}' is not part of a LoRA adapter (expected lora_A/lora_B, lora_down/lora_up or alpha)`,
      );
    const id = `${parsed.kohya ? 'kohya:' : ''}${parsed.module}`;
    const entry = parts.get(id) ?? { kohya: parsed.kohya };
    if (entry[parsed.part] !== undefined)
      throw new LoraError(
        `LoRA ${name}: '${key}' and '${entry[parsed.part]}' both give ${parsed.part} of ${parsed.module}`,
      );
    entry[parsed.part] = key;
    parts.set(id, entry);
  }
  const modules: LoraModule[] = [];
  for (const [id, entry] of parts) {
    const module = id.replace(/^kohya:/, '');
    if (!entry.down || !entry.up)
      throw new LoraError(`LoRA ${name}: ${module} has ${entry.down ? 'no up (B)' : 'no down (A)'} matrix`);
    const down = weights.info(entry.down).shape;
    const up = weights.info(entry.up).shape;
    if (down.length !== 2 || up.length !== 2 || down[0] !== up[1])
      throw new LoraError(
        `LoRA ${name}: ${module} has down [${down.join(', ')}] and up [${up.join(', ')}]; they must be [rank, in] and [out, rank]`,
      );
    const rank = down[0]!;
    const alpha = entry.alpha ? (await weights.readF32(entry.alpha))[0] : undefined;
    if (alpha !== undefined && !Number.isFinite(alpha))
      throw new LoraError(`LoRA ${name}: ${module} has alpha ${alpha}`);
    modules.push({
      module,
      kohya: entry.kohya,
      down: entry.down,
      up: entry.up,
      rank,
      inFeatures: down[1]!,
      outFeatures: up[0]!,
      scale: alpha === undefined ? 1 : alpha / rank,
    });
  }
  if (modules.length === 0) throw new LoraError(`LoRA ${name}: the file holds no adapter`);
  return { path, name, sha256: knownSha256 ?? (await sha256File(path)), modules, weights };
}
