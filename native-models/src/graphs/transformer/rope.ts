/**
 * Host-side RoPE tables for QwenImageTransformer2DModel (spec §7.5; diffusers `QwenEmbedRope` with
 * `scale_rope=True`): three axes (frame, height, width) with `axesDims/2` frequency pairs each, laid out
 * `[frame pairs | height pairs | width pairs]`; spatial positions centred on the image; text tokens after the
 * largest image half-size on all three axes. Values are rounded like torch's float32 computation.
 */

/** One image's packed-token grid: `[frames, height, width]` (height = H/16, width = W/16 for an H×W image). */
export type ImageGrid = readonly [number, number, number];

export type RopeTableOptions = Readonly<{
  /** The per-axis rotary dims (config `axes_dims_rope`); default (16, 56, 56). */
  axesDims?: readonly [number, number, number];
  theta?: number;
  /** The images in token order: the noisy output first, then the reference image(s). */
  images: readonly ImageGrid[];
  /** Padded text length (the encoder sequence length). */
  textTokens: number;
}>;

/** cos/sin of the rotation angles, row-major `[tokens, headDim/2]`. */
export type RopeTables = Readonly<{
  imageCos: Float32Array;
  imageSin: Float32Array;
  textCos: Float32Array;
  textSin: Float32Array;
  imageTokens: number;
  textTokens: number;
  /** Rotation pairs per token (= attention head dim / 2). */
  pairs: number;
}>;

/** `ω_k = 1 / θ^(2k/d)` in float32, as `1.0 / torch.pow(theta, arange(0, d, 2).float().div(d))`. */
export function axisFrequencies(dim: number, theta = 10000): Float32Array {
  if (dim % 2 !== 0) throw new Error(`rotary axis dim ${dim} is odd`);
  const out = new Float32Array(dim / 2);
  for (let k = 0; k < dim / 2; k++) {
    const exponent = Math.fround((2 * k) / dim);
    out[k] = Math.fround(1 / Math.fround(Math.pow(theta, exponent)));
  }
  return out;
}

function writeAngles(
  cos: Float32Array,
  sin: Float32Array,
  row: number,
  pairs: number,
  at: number,
  position: number,
  freqs: Float32Array,
): void {
  for (let k = 0; k < freqs.length; k++) {
    const angle = Math.fround(position * freqs[k]!);
    cos[row * pairs + at + k] = Math.cos(angle);
    sin[row * pairs + at + k] = Math.sin(angle);
  }
}

/** The position of row `r` of `n` rows with centred positions: `−⌈n/2⌉ … ⌊n/2⌋−1`. */
export function centredPosition(r: number, n: number): number {
  return r - (n - Math.floor(n / 2));
}

export function qwenImageRopeTables(options: RopeTableOptions): RopeTables {
  const [dFrame, dHeight, dWidth] = options.axesDims ?? [16, 56, 56];
  const theta = options.theta ?? 10000;
  const fFrame = axisFrequencies(dFrame, theta);
  const fHeight = axisFrequencies(dHeight, theta);
  const fWidth = axisFrequencies(dWidth, theta);
  const pairs = fFrame.length + fHeight.length + fWidth.length;
  const imageTokens = options.images.reduce((a, [f, h, w]) => a + f * h * w, 0);
  const imageCos = new Float32Array(imageTokens * pairs);
  const imageSin = new Float32Array(imageTokens * pairs);
  let row = 0;
  let maxIndex = 0;
  options.images.forEach(([frames, height, width], idx) => {
    for (let f = 0; f < frames; f++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          writeAngles(imageCos, imageSin, row, pairs, 0, idx + f, fFrame);
          writeAngles(imageCos, imageSin, row, pairs, fFrame.length, centredPosition(y, height), fHeight);
          writeAngles(
            imageCos,
            imageSin,
            row,
            pairs,
            fFrame.length + fHeight.length,
            centredPosition(x, width),
            fWidth,
          );
          row++;
        }
      }
    }
    maxIndex = Math.max(maxIndex, Math.floor(height / 2), Math.floor(width / 2));
  });
  const textTokens = options.textTokens;
  const textCos = new Float32Array(textTokens * pairs);
  const textSin = new Float32Array(textTokens * pairs);
  for (let j = 0; j < textTokens; j++) {
    const p = maxIndex + j;
    writeAngles(textCos, textSin, j, pairs, 0, p, fFrame);
    writeAngles(textCos, textSin, j, pairs, fFrame.length, p, fHeight);
    writeAngles(textCos, textSin, j, pairs, fFrame.length + fHeight.length, p, fWidth);
  }
  return { imageCos, imageSin, textCos, textSin, imageTokens, textTokens, pairs };
}
