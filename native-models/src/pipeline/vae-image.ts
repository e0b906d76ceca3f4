/**
 * Conversions between 8-bit RGB pixels and the VAE's `[3, H, W]` float tensors in [−1, 1]
 * (spec §3.2 and §10).
 */

const f = Math.fround;

/** Interleaved RGB8 (`width·height·3`) → planar float32 `[3, H, W]` in [−1, 1]: `2·(p/255) − 1`. */
export function rgb8ToVaeInput(
  rgb: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Float32Array {
  const plane = width * height;
  if (rgb.length !== plane * 3) throw new Error(`expected ${plane * 3} RGB bytes, got ${rgb.length}`);
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = f(f(2 * f(rgb[i * 3 + c]! / 255)) - 1);
  }
  return out;
}

/**
 * Planar `[3, H, W]` decoder output → interleaved RGB8: clamp to [−1, 1], `x/2 + 0.5`, clamp to [0, 1],
 * `round(x·255)` with round-half-to-even (numpy's `round`, as diffusers' `numpy_to_pil` does).
 */
export function vaeOutputToRgb8(planar: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  if (planar.length !== plane * 3)
    throw new Error(`expected ${plane * 3} decoder values, got ${planar.length}`);
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const v = Math.min(1, Math.max(-1, planar[c * plane + i]!));
      const unit = Math.min(1, Math.max(0, f(f(v / 2) + 0.5)));
      out[i * 3 + c] = roundHalfEven(f(unit * 255));
    }
  }
  return out;
}

/** Python/numpy rounding: ties go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
