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

/**
 * Every checkpoint tensor of the VAE with its shape (encoder, quant_conv, post_quant_conv, decoder; layers in
 * execution order), including the `time_conv` weights a single frame never uses. For generators and validation.
 */
export function vaeParameterShapes(config: VaeConfig): Array<[name: string, shape: number[]]> {
  const out: Array<[string, number[]]> = [];
  const conv = (name: string, o: number, i: number, k: number) => {
    out.push([`${name}.weight`, [o, i, k, k, k]], [`${name}.bias`, [o]]);
  };
  const emit = (layer: VaeLayer) => {
    switch (layer.kind) {
      case 'causalConv':
        conv(layer.name, layer.outDim, layer.inDim, layer.kernel);
        break;
      case 'residual':
        out.push([`${layer.name}.norm1.gamma`, [layer.inDim, 1, 1, 1]]);
        conv(`${layer.name}.conv1`, layer.outDim, layer.inDim, 3);
        out.push([`${layer.name}.norm2.gamma`, [layer.outDim, 1, 1, 1]]);
        conv(`${layer.name}.conv2`, layer.outDim, layer.outDim, 3);
        if (layer.inDim !== layer.outDim) conv(`${layer.name}.conv_shortcut`, layer.outDim, layer.inDim, 1);
        break;
      case 'attention':
        out.push(
          [`${layer.name}.norm.gamma`, [layer.dim, 1, 1]],
          [`${layer.name}.to_qkv.weight`, [3 * layer.dim, layer.dim, 1, 1]],
          [`${layer.name}.to_qkv.bias`, [3 * layer.dim]],
          [`${layer.name}.proj.weight`, [layer.dim, layer.dim, 1, 1]],
          [`${layer.name}.proj.bias`, [layer.dim]],
        );
        break;
      case 'downsample':
        out.push(
          [`${layer.name}.resample.1.weight`, [layer.dim, layer.dim, 3, 3]],
          [`${layer.name}.resample.1.bias`, [layer.dim]],
        );
        if (layer.temporal) {
          out.push(
            [`${layer.name}.time_conv.weight`, [layer.dim, layer.dim, 3, 1, 1]],
            [`${layer.name}.time_conv.bias`, [layer.dim]],
          );
        }
        break;
      case 'upsample':
        out.push(
          [`${layer.name}.resample.1.weight`, [layer.dim / 2, layer.dim, 3, 3]],
          [`${layer.name}.resample.1.bias`, [layer.dim / 2]],
        );
        if (layer.temporal) {
          out.push(
            [`${layer.name}.time_conv.weight`, [2 * layer.dim, layer.dim, 3, 1, 1]],
            [`${layer.name}.time_conv.bias`, [2 * layer.dim]],
          );
        }
        break;
      case 'normSilu':
        out.push([`${layer.name}.gamma`, [layer.dim, 1, 1, 1]]);
        break;
      case 'slice':
      case 'clamp':
        break;
    }
  };
  const dec = vaeDecoderLayers(config);
  for (const layer of vaeEncoderLayers(config)) emit(layer);
  emit(dec[0]!);
  for (const layer of dec.slice(1)) emit(layer);
  return out;
}
