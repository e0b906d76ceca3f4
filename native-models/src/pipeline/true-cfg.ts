/**
 * True classifier-free guidance with the norm-preserving rescale of Qwen-Image (spec §9):
 * `g = u + s·(c − u)`, then every token of `g` is scaled to the L2 norm of the conditional token.
 */

const f = Math.fround;

/**
 * Combines conditional and unconditional velocities `[tokens, features]` into `out` (may alias `cond`).
 * A token whose combined norm is 0 keeps the zero vector instead of turning into NaN.
 */
export function trueCfg(
  cond: Float32Array,
  uncond: Float32Array,
  scale: number,
  features: number,
  out: Float32Array = new Float32Array(cond.length),
): Float32Array {
  if (cond.length !== uncond.length || cond.length % features !== 0) {
    throw new Error(
      `CFG inputs differ in size (${cond.length} vs ${uncond.length}) or are not [tokens, ${features}]`,
    );
  }
  const s = f(scale);
  for (let base = 0; base < cond.length; base += features) {
    let condSq = 0;
    let combSq = 0;
    for (let k = base; k < base + features; k++) {
      const c = cond[k]!;
      const u = uncond[k]!;
      const g = f(u + f(s * f(c - u)));
      out[k] = g;
      condSq += c * c;
      combSq += g * g;
    }
    const ratio = combSq === 0 ? 0 : f(f(Math.sqrt(condSq)) / f(Math.sqrt(combSq)));
    for (let k = base; k < base + features; k++) out[k] = f(out[k]! * ratio);
  }
  return out;
}
