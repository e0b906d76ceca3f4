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
  if (tokens.length !== (h / 2) * (w / 2) * features) throw new Error('preview: token count does not match the grid');
  const rgba = out ?? new Uint8ClampedArray(h * w * 4);
  const fr = new Float32Array(channels);
  const fg = new Float32Array(channels);
  const fb = new Float32Array(channels);
  factors.factors.forEach((row, c) => {
    fr[c] = row[0]!;
    fg[c] = row[1]!;
    fb[c] = row[2]!;
  });
  const [br, bg, bb] = factors.bias as [number, number, number];
  const halfW = w / 2;
  for (let ty = 0; ty < h / 2; ty++) {
    for (let tx = 0; tx < halfW; tx++) {
      const base = (ty * halfW + tx) * features;
      for (let sub = 0; sub < 4; sub++) {
        let r = br;
        let g = bg;
        let b = bb;
        for (let c = 0; c < channels; c++) {
          const k = base + c * 4 + sub;
          const x0 = velocity ? tokens[k]! - sigma * velocity[k]! : tokens[k]!;
          r += x0 * fr[c]!;
          g += x0 * fg[c]!;
          b += x0 * fb[c]!;
        }
        const y = 2 * ty + (sub >> 1);
        const x = 2 * tx + (sub & 1);
        const p = (y * w + x) * 4;
        // [-1, 1] → [0, 255]; Uint8ClampedArray clamps (and rounds) the result.
        rgba[p] = (r + 1) * 127.5;
        rgba[p + 1] = (g + 1) * 127.5;
        rgba[p + 2] = (b + 1) * 127.5;
        rgba[p + 3] = 255;
      }
    }
  }
  return { width: w, height: h, rgba };
}
