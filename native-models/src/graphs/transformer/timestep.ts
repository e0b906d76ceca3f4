/**
 * Timestep embedding (spec §7.4; diffusers `Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0,
 * scale=1000)` then `TimestepEmbedding`): `[cos(1000·σ·ω_i), sin(1000·σ·ω_i)]`, i < 128, in float32, then
 * Linear → SiLU → Linear.
 */
import { castIfNeeded, linear, silu, bf16BitsToF32, f32ToBf16Bits } from '../../onnx';
import type { ComputeType } from '../../onnx';
import type { TransformerContext } from './context';

export const TIMESTEP_CHANNELS = 256;

/**
 * The sinusoid frequencies as torch computes them: `exp(fp32(−ln 10000)·i / 128)` in float32, then rounded to
 * the model dtype (`.to(timesteps.dtype)` — bf16 in a bf16 pipeline).
 */
export function timestepFrequencies(compute: ComputeType = 'float32'): Float32Array {
  const half = TIMESTEP_CHANNELS / 2;
  const negLog = Math.fround(-Math.log(10000));
  return Float32Array.from({ length: half }, (_, i) => {
    const f = Math.fround(Math.exp(Math.fround(Math.fround(negLog * i) / half)));
    return compute === 'bfloat16' ? bf16BitsToF32(f32ToBf16Bits(f)) : f;
  });
}

/** `temb` `[B, D]` in the compute type from `timestep` `[B]` float32 (σ = t/1000). */
export function timestepEmbedding({ b, src }: TransformerContext, timestep: string): string {
  return b.scope('time_text_embed', () => {
    // The model casts σ to its dtype before embedding it.
    const sigma =
      b.compute === 'float32'
        ? timestep
        : castIfNeeded(b, castIfNeeded(b, timestep, 'float32', b.compute), b.compute, 'float32');
    const column = b.op('Unsqueeze', [sigma, b.constant([1], 'int64')]);
    const freqs = b.tensorConstant(timestepFrequencies(b.compute), 'float32', [TIMESTEP_CHANNELS / 2]);
    const args = b.op('Mul', [b.op('Mul', [column, freqs]), b.constant(1000, 'float32')]);
    const sinusoid = b.op('Concat', [b.op('Cos', [args]), b.op('Sin', [args])], { axis: -1 });
    const x = castIfNeeded(b, sinusoid, 'float32', b.compute);
    const h = linear(b, src, x, 'time_text_embed.timestep_embedder.linear_1');
    return linear(b, src, silu(b, h), 'time_text_embed.timestep_embedder.linear_2');
  });
}
