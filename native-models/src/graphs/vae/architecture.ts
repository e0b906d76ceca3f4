import type { VaeConfig } from '../../config/vae';

/**
 * The single-frame VAE as a flat list of layers, each naming its checkpoint prefix, in execution order —
 * derived the way `AutoencoderKLQwenImage` builds its module lists. Both the ONNX builder and the reference
 * implementation walk this list.
 */
export type VaeLayer =
  /** Causal conv (kernel 3 or 1) on one frame: a 2-D conv with the last temporal kernel slice. */
  | { kind: 'causalConv'; name: string; inDim: number; outDim: number; kernel: 1 | 3 }
  | { kind: 'residual'; name: string; inDim: number; outDim: number }
  | { kind: 'attention'; name: string; dim: number }
  /** Zero-pad right/bottom by 1, 3×3 conv stride 2 (`resample.1`); `time_conv` unused for one frame. */
  | { kind: 'downsample'; name: string; dim: number; temporal: boolean }
  /** Nearest ×2, 3×3 conv dim → dim/2 (`resample.1`); `time_conv` unused for one frame. */
  | { kind: 'upsample'; name: string; dim: number; temporal: boolean }
  /** Channel RMS_norm then SiLU (`norm_out`). */
  | { kind: 'normSilu'; name: string; dim: number }
  | { kind: 'slice'; channels: number }
  | { kind: 'clamp' };

/** Encoder + quant_conv + "take the mean": image `[B, C_in, H, W]` → `[B, z_dim, H/8, W/8]`. */
export function vaeEncoderLayers(config: VaeConfig): VaeLayer[] {
  const dims = [1, ...config.dimMult].map((u) => config.baseDim * u);
  const layers: VaeLayer[] = [
    { kind: 'causalConv', name: 'encoder.conv_in', inDim: config.inputChannels, outDim: dims[0]!, kernel: 3 },
  ];
  let index = 0;
  let outDim = dims[0]!;
  for (let i = 0; i + 1 < dims.length; i++) {
    let inDim = dims[i]!;
    outDim = dims[i + 1]!;
    for (let r = 0; r < config.numResBlocks; r++) {
      layers.push({ kind: 'residual', name: `encoder.down_blocks.${index++}`, inDim, outDim });
      inDim = outDim;
    }
    if (i !== config.dimMult.length - 1) {
      const temporal = config.temperalDownsample[i]!;
      layers.push({ kind: 'downsample', name: `encoder.down_blocks.${index++}`, dim: outDim, temporal });
    }
  }
  layers.push(...midBlock('encoder.mid_block', outDim));
  layers.push({ kind: 'normSilu', name: 'encoder.norm_out', dim: outDim });
  layers.push({
    kind: 'causalConv',
    name: 'encoder.conv_out',
    inDim: outDim,
    outDim: 2 * config.zDim,
    kernel: 3,
  });
  layers.push({
    kind: 'causalConv',
    name: 'quant_conv',
    inDim: 2 * config.zDim,
    outDim: 2 * config.zDim,
    kernel: 1,
  });
  layers.push({ kind: 'slice', channels: config.zDim });
  return layers;
}

/** post_quant_conv + decoder + clamp: latents `[B, z_dim, h, w]` → image `[B, C_in, 8h, 8w]` in [−1, 1]. */
export function vaeDecoderLayers(config: VaeConfig): VaeLayer[] {
  const mult = config.dimMult;
  const dims = [mult[mult.length - 1]!, ...[...mult].reverse()].map((u) => config.baseDim * u);
  const temperalUpsample = [...config.temperalDownsample].reverse();
  const z = config.zDim;
  const layers: VaeLayer[] = [
    { kind: 'causalConv', name: 'post_quant_conv', inDim: z, outDim: z, kernel: 1 },
    { kind: 'causalConv', name: 'decoder.conv_in', inDim: z, outDim: dims[0]!, kernel: 3 },
    ...midBlock('decoder.mid_block', dims[0]!),
  ];
  let outDim = dims[0]!;
  for (let i = 0; i + 1 < dims.length; i++) {
    let inDim = i > 0 ? dims[i]! / 2 : dims[i]!;
    outDim = dims[i + 1]!;
    for (let r = 0; r < config.numResBlocks + 1; r++) {
      layers.push({ kind: 'residual', name: `decoder.up_blocks.${i}.resnets.${r}`, inDim, outDim });
      inDim = outDim;
    }
    if (i !== mult.length - 1) {
      const temporal = temperalUpsample[i]!;
      layers.push({ kind: 'upsample', name: `decoder.up_blocks.${i}.upsamplers.0`, dim: outDim, temporal });
    }
  }
  layers.push({ kind: 'normSilu', name: 'decoder.norm_out', dim: outDim });
  layers.push({
    kind: 'causalConv',
    name: 'decoder.conv_out',
    inDim: outDim,
    outDim: config.inputChannels,
    kernel: 3,
  });
  layers.push({ kind: 'clamp' });
  return layers;
}

function midBlock(prefix: string, dim: number): VaeLayer[] {
  return [
    { kind: 'residual', name: `${prefix}.resnets.0`, inDim: dim, outDim: dim },
    { kind: 'attention', name: `${prefix}.attentions.0`, dim },
    { kind: 'residual', name: `${prefix}.resnets.1`, inDim: dim, outDim: dim },
  ];
}
