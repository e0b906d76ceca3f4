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

/** One step's x0 estimate as an image: RGBA8, row-major, `width × height` = the latent grid. */
export type PreviewImage = Readonly<{ width: number; height: number; rgba: Uint8ClampedArray }>;

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
): PreviewImage {
  const { height: h, width: w } = grid;
  const channels = factors.factors.length;
  const features = channels * 4;
  if (tokens.length !== (h / 2) * (w / 2) * features)
    throw new Error('preview: token count does not match the grid');
  const rgba = out ?? new Uint8ClampedArray(h * w * 4);
  // Factors scaled so that byte = 127.5·(bias + Σ x0·f) + 127.5 comes out of one multiply-add chain.
  const weight = new Float64Array(channels * 3);
  for (let c = 0; c < channels; c++)
    for (let col = 0; col < 3; col++) weight[c * 3 + col] = factors.factors[c]![col]! * 127.5;
  const bias = [0, 1, 2].map((col) => (factors.bias[col]! + 1) * 127.5) as [number, number, number];
  const s = velocity ? sigma : 0;
  const v = velocity ?? tokens;
  const halfW = w / 2;
  const tokenCount = (h / 2) * halfW;
  // Per token: the 2×2 pixels' colours in twelve locals (features are c·4 + dy·2 + dx).
  for (let t = 0; t < tokenCount; t++) {
    const base = t * features;
    let r0 = bias[0],
      g0 = bias[1],
      b0 = bias[2];
    let r1 = r0,
      g1 = g0,
      b1 = b0;
    let r2 = r0,
      g2 = g0,
      b2 = b0;
    let r3 = r0,
      g3 = g0,
      b3 = b0;
    for (let c = 0; c < channels; c++) {
      const k = base + c * 4;
      const fr = weight[c * 3]!;
      const fg = weight[c * 3 + 1]!;
      const fb = weight[c * 3 + 2]!;
      const x0 = tokens[k]! - s * v[k]!;
      const x1 = tokens[k + 1]! - s * v[k + 1]!;
      const x2 = tokens[k + 2]! - s * v[k + 2]!;
      const x3 = tokens[k + 3]! - s * v[k + 3]!;
      r0 += x0 * fr;
      g0 += x0 * fg;
      b0 += x0 * fb;
      r1 += x1 * fr;
      g1 += x1 * fg;
      b1 += x1 * fb;
      r2 += x2 * fr;
      g2 += x2 * fg;
      b2 += x2 * fb;
      r3 += x3 * fr;
      g3 += x3 * fg;
      b3 += x3 * fb;
    }
    const ty = (t / halfW) | 0;
    const tx = t - ty * halfW;
    // Uint8ClampedArray clamps to [0, 255] and rounds.
    let p = (2 * ty * w + 2 * tx) * 4;
    rgba[p] = r0;
    rgba[p + 1] = g0;
    rgba[p + 2] = b0;
    rgba[p + 3] = 255;
    rgba[p + 4] = r1;
    rgba[p + 5] = g1;
    rgba[p + 6] = b1;
    rgba[p + 7] = 255;
    p += w * 4;
    rgba[p] = r2;
    rgba[p + 1] = g2;
    rgba[p + 2] = b2;
    rgba[p + 3] = 255;
    rgba[p + 4] = r3;
    rgba[p + 5] = g3;
    rgba[p + 6] = b3;
    rgba[p + 7] = 255;
  }
  return { width: w, height: h, rgba };
}
