/**
 * `vae/` of Qwen-Image(-Edit): `AutoencoderKLQwenImage` (the Wan-2.1 causal 3-D VAE). The parameters its
 * config implies, with the upstream names and shapes.
 */
import type { VaeConfig } from './vae';
import type { ExpectedTensor } from './expected-tensor';
import { conv, norm } from './expected-tensor';

function resBlock(prefix: string, inp: number, out: number): ExpectedTensor[] {
  return [
    norm(`${prefix}.norm1.gamma`, [inp, 1, 1, 1]),
    ...conv(`${prefix}.conv1`, out, inp, [3, 3, 3]),
    norm(`${prefix}.norm2.gamma`, [out, 1, 1, 1]),
    ...conv(`${prefix}.conv2`, out, out, [3, 3, 3]),
    ...(inp !== out ? conv(`${prefix}.conv_shortcut`, out, inp, [1, 1, 1]) : []),
  ];
}

function midBlock(prefix: string, dim: number): ExpectedTensor[] {
  return [
    norm(`${prefix}.attentions.0.norm.gamma`, [dim, 1, 1]),
    ...conv(`${prefix}.attentions.0.to_qkv`, 3 * dim, dim, [1, 1]),
    ...conv(`${prefix}.attentions.0.proj`, dim, dim, [1, 1]),
    ...resBlock(`${prefix}.resnets.0`, dim, dim),
    ...resBlock(`${prefix}.resnets.1`, dim, dim),
  ];
}

/** Every parameter of the VAE (encoder, quant convs, decoder), in the upstream module order. */
export function vaeTensors(s: VaeConfig): ExpectedTensor[] {
  const t: ExpectedTensor[] = [];
  const stages = s.dimMult.length;
  const enc = [1, ...s.dimMult].map((m) => m * s.baseDim);
  t.push(...conv('encoder.conv_in', enc[0]!, 3, [3, 3, 3]));
  let k = 0;
  for (let i = 0; i < stages; i++) {
    let inp = enc[i]!;
    const out = enc[i + 1]!;
    for (let r = 0; r < s.numResBlocks; r++) {
      t.push(...resBlock(`encoder.down_blocks.${k++}`, inp, out));
      inp = out;
    }
    if (i !== stages - 1) {
      const p = `encoder.down_blocks.${k++}`;
      t.push(...conv(`${p}.resample.1`, out, out, [3, 3]));
      if (s.temperalDownsample[i]) t.push(...conv(`${p}.time_conv`, out, out, [3, 1, 1]));
    }
  }
  const top = enc[stages]!;
  t.push(
    ...midBlock('encoder.mid_block', top),
    norm('encoder.norm_out.gamma', [top, 1, 1, 1]),
    ...conv('encoder.conv_out', 2 * s.zDim, top, [3, 3, 3]),
    ...conv('quant_conv', 2 * s.zDim, 2 * s.zDim, [1, 1, 1]),
    ...conv('post_quant_conv', s.zDim, s.zDim, [1, 1, 1]),
  );
  const mult = [...s.dimMult].reverse();
  const dec = [mult[0]!, ...mult].map((m) => m * s.baseDim);
  const temperalUpsample = [...s.temperalDownsample].reverse();
  t.push(...conv('decoder.conv_in', dec[0]!, s.zDim, [3, 3, 3]), ...midBlock('decoder.mid_block', dec[0]!));
  for (let i = 0; i < stages; i++) {
    let inp = i > 0 ? dec[i]! / 2 : dec[i]!;
    const out = dec[i + 1]!;
    for (let r = 0; r < s.numResBlocks + 1; r++) {
      t.push(...resBlock(`decoder.up_blocks.${i}.resnets.${r}`, inp, out));
      inp = out;
    }
    if (i !== stages - 1) {
      const p = `decoder.up_blocks.${i}.upsamplers.0`;
      t.push(...conv(`${p}.resample.1`, out / 2, out, [3, 3]));
      if (temperalUpsample[i]) t.push(...conv(`${p}.time_conv`, out * 2, out, [3, 1, 1]));
    }
  }
  const last = dec[stages]!;
  t.push(norm('decoder.norm_out.gamma', [last, 1, 1, 1]), ...conv('decoder.conv_out', 3, last, [3, 3, 3]));
  return t;
}
