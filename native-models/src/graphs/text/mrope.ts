import type { TextConfig } from '../../config/text-encoder';

/** Language-model rotary `inv_freq` as torch computes it in float32: `1 / θ^(2k/head_dim)`, k < head_dim/2. */
export function textInvFreq(headDim: number, theta: number): Float32Array {
  const out = new Float32Array(headDim / 2);
  for (let k = 0; k < headDim / 2; k++) {
    out[k] = Math.fround(1 / Math.fround(Math.pow(theta, Math.fround(Math.fround(2 * k) / headDim))));
  }
  return out;
}

/**
 * For each of the head_dim rotary channels, which position component (0 = temporal, 1 = height, 2 = width)
 * drives it: upstream splits the duplicated `[θ, θ]` vector into sections `mrope_section · 2` and takes the
 * components cyclically, i.e. `[t | h | w | t | h | w]`.
 */
export function mropeChannelComponents(config: Pick<TextConfig, 'headDim' | 'mropeSection'>): Uint8Array {
  const out = new Uint8Array(config.headDim);
  const sections = [...config.mropeSection, ...config.mropeSection];
  let c = 0;
  sections.forEach((len, i) => {
    for (let j = 0; j < len; j++) out[c++] = i % 3;
  });
  return out;
}
