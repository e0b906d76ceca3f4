import { num, type Json } from '../configJson';

/** The `vision_config` of a Qwen2.5-VL `text_encoder/config.json`, with the keys upstream reads. */
export type Qwen25VLVisionConfig = Readonly<{
  depth: number;
  hiddenSize: number;
  numHeads: number;
  headDim: number;
  intermediateSize: number;
  outHiddenSize: number;
  patchSize: number;
  temporalPatchSize: number;
  spatialMergeSize: number;
  windowSize: number;
  /** 0-based indices of the blocks that attend over the whole image; all others attend within windows. */
  fullattBlockIndexes: readonly number[];
  inChannels: number;
}>;

/** Reads `vision_config` from a Qwen2.5-VL config; throws a clear error on unsupported values. */
export function parseQwen25VLVisionConfig(
  json: unknown,
  where = 'text_encoder/config.json',
): Qwen25VLVisionConfig {
  if (typeof json !== 'object' || json === null) throw new Error(`${where}: not a JSON object`);
  const v = (json as Json).vision_config;
  if (typeof v !== 'object' || v === null) throw new Error(`${where}: 'vision_config' is missing`);
  const c = v as Json;
  const w = `${where} vision_config`;
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw new Error(`${w}: unsupported hidden_act '${String(act)}' (only 'silu')`);
  const hiddenSize = num(c, 'hidden_size', w);
  const numHeads = num(c, 'num_heads', w);
  if (hiddenSize % numHeads !== 0)
    throw new Error(`${w}: hidden_size ${hiddenSize} not divisible by num_heads`);
  const headDim = hiddenSize / numHeads;
  if (headDim % 4 !== 0) throw new Error(`${w}: head_dim ${headDim} must be a multiple of 4 (2-D rotary)`);
  const full = c.fullatt_block_indexes ?? [];
  if (!Array.isArray(full) || full.some((i) => typeof i !== 'number')) {
    throw new Error(`${w}: fullatt_block_indexes must be a list of numbers`);
  }
  const inChannels = num(c, 'in_channels', w, typeof c.in_chans === 'number' ? c.in_chans : 3);
  const config = {
    depth: num(c, 'depth', w),
    hiddenSize,
    numHeads,
    headDim,
    intermediateSize: num(c, 'intermediate_size', w),
    outHiddenSize: num(c, 'out_hidden_size', w),
    patchSize: num(c, 'patch_size', w, 14),
    temporalPatchSize: num(c, 'temporal_patch_size', w, 2),
    spatialMergeSize: num(c, 'spatial_merge_size', w, 2),
    windowSize: num(c, 'window_size', w, 112),
    fullattBlockIndexes: full as number[],
    inChannels,
  };
  if (config.windowSize % (config.spatialMergeSize * config.patchSize) !== 0) {
    throw new Error(
      `${w}: window_size ${config.windowSize} is not a multiple of spatial_merge_size·patch_size`,
    );
  }
  return config;
}

/** Values per patch row of `pixel_values`: channels · temporal_patch_size · patch_size². */
export function patchDim(config: Qwen25VLVisionConfig): number {
  return config.inChannels * config.temporalPatchSize * config.patchSize * config.patchSize;
}
