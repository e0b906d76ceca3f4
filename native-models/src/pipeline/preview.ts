/**
 * Live previews: the x0 estimate `x_t − σ·v` of every step, projected from the 16 normalised latent
 * channels to RGB by a fixed linear map, one pixel per latent cell (1/8 of the output size).
 */

/**
 * Wan-2.1 latent→RGB factors (rows: latent channels 0..15; columns: R, G, B) and bias. Qwen-Image uses the
 * Wan-2.1 latent space. Source: ComfyUI `comfy/latent_formats.py`, class `Wan21`, `latent_rgb_factors` and
 * `latent_rgb_factors_bias` (github.com/comfyanonymous/ComfyUI; the same numbers appear in every copy of
 * that file seen). ComfyUI applies them to the model-space (normalised) latent and maps [-1, 1] to bytes.
 */
export const WAN21_LATENT_RGB_FACTORS: readonly (readonly [number, number, number])[] = [
  [-0.1299, -0.1692, 0.2932],
  [0.0671, 0.0406, 0.0442],
  [0.3568, 0.2548, 0.1747],
  [0.0372, 0.2344, 0.142],
  [0.0313, 0.0189, -0.0328],
  [0.0296, -0.0956, -0.0665],
  [-0.3477, -0.4059, -0.2925],
  [0.0166, 0.1902, 0.1975],
  [-0.0412, 0.0267, -0.1364],
  [-0.1293, 0.074, 0.1636],
  [0.068, 0.3019, 0.1128],
  [0.0032, 0.0581, 0.0639],
  [-0.1251, 0.0927, 0.1699],
  [0.006, -0.0633, 0.0005],
  [0.3477, 0.2275, 0.295],
  [0.1984, 0.0913, 0.1861],
];
export const WAN21_LATENT_RGB_BIAS: readonly [number, number, number] = [-0.1835, -0.0868, -0.336];

/** A preview frame: RGBA8, row-major, `width × height` = the latent grid. */
export type PreviewFrame = Readonly<{ width: number; height: number; rgba: Uint8ClampedArray }>;

export type PreviewFactors = Readonly<{
  factors: readonly (readonly number[])[];
  bias: readonly number[];
}>;

const DEFAULT_FACTORS: PreviewFactors = { factors: WAN21_LATENT_RGB_FACTORS, bias: WAN21_LATENT_RGB_BIAS };

/**
 * Projects the x0 estimate of packed tokens `[(h/2)·(w/2), 64]` straight to an RGBA frame of the latent
 * grid `h × w`, without materialising x0 or unpacking: `x0 = x_t − σ·v` per value, then the 16→3 map.
 * `velocity` may be omitted to preview `x_t` itself (e.g. the final latents).
 */
export function previewFromTokens(
  tokens: Float32Array,
  velocity: Float32Array | undefined,
  sigma: number,
  grid: Readonly<{ height: number; width: number }>,
  factors: PreviewFactors = DEFAULT_FACTORS,
  out?: Uint8ClampedArray,
): PreviewFrame {
  const { height: h, width: w } = grid;
  const channels = factors.factors.length;
  const features = channels * 4;
  if (tokens.length !== (h / 2) * (w / 2) * features)
    throw new Error('preview: token count does not match the grid');
  const rgba = out ?? new Uint8ClampedArray(h * w * 4);
  // One 64 → 12 map per token (3 colours for each of the 2×2 pixels), folding in the [−1, 1] → [0, 255]
  // scaling: byte = 127.5·(bias + Σ x0·f) + 127.5.
  const weight = new Float64Array(features * 3);
  for (let c = 0; c < channels; c++) {
    for (let col = 0; col < 3; col++) {
      const v = factors.factors[c]![col]! * 127.5;
      for (let sub = 0; sub < 4; sub++) weight[(c * 4 + sub) * 3 + col] = v;
    }
  }
  const b0 = (factors.bias[0]! + 1) * 127.5;
  const b1 = (factors.bias[1]! + 1) * 127.5;
  const b2 = (factors.bias[2]! + 1) * 127.5;
  const x0 = new Float64Array(features);
  const acc = new Float64Array(12);
  const halfW = w / 2;
  const tokenCount = (h / 2) * halfW;
  for (let t = 0; t < tokenCount; t++) {
    const base = t * features;
    if (velocity) for (let k = 0; k < features; k++) x0[k] = tokens[base + k]! - sigma * velocity[base + k]!;
    else for (let k = 0; k < features; k++) x0[k] = tokens[base + k]!;
    for (let s = 0; s < 4; s++) {
      acc[s * 3] = b0;
      acc[s * 3 + 1] = b1;
      acc[s * 3 + 2] = b2;
    }
    for (let k = 0; k < features; k++) {
      const v = x0[k]!;
      const s3 = (k & 3) * 3;
      const wk = k * 3;
      acc[s3] = acc[s3]! + v * weight[wk]!;
      acc[s3 + 1] = acc[s3 + 1]! + v * weight[wk + 1]!;
      acc[s3 + 2] = acc[s3 + 2]! + v * weight[wk + 2]!;
    }
    const ty = (t / halfW) | 0;
    const tx = t - ty * halfW;
    for (let s = 0; s < 4; s++) {
      const p = ((2 * ty + (s >> 1)) * w + 2 * tx + (s & 1)) * 4;
      // Uint8ClampedArray clamps to [0, 255] and rounds.
      rgba[p] = acc[s * 3]!;
      rgba[p + 1] = acc[s * 3 + 1]!;
      rgba[p + 2] = acc[s * 3 + 2]!;
      rgba[p + 3] = 255;
    }
  }
  return { width: w, height: h, rgba };
}
