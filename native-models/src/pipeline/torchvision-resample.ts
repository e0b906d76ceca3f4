/**
 * Bicubic resizing with antialias of a uint8 image exactly as torchvision's `resize(..., BICUBIC,
 * antialias=True)` does it on the CPU (ATen's uint8 path, `UpSampleKernel.cpp` and its AVX2 twin, which
 * agree bit for bit): Pillow's filter and bounds, but the weights are scaled to int16 with one precision per
 * axis — the largest that keeps the biggest weight below 2¹⁵ — instead of Pillow's fixed 22 bits. The
 * horizontal pass runs first, into a uint8 intermediate, then the vertical one.
 *
 * transformers' fast Qwen2-VL processor (the default since transformers PR #39591) resizes this way, so its
 * `pixel_values` differ from the Pillow path's by a level here and there.
 */
import type { RgbImage } from './load-image';
import { keysCubic } from './pil-resample';

type Axis = { ksize: number; bounds: Int32Array; weights: Int32Array; precision: number };

/** ATen's `_compute_index_ranges_int16_weights` for the antialiased bicubic filter. */
function axisWeights(inSize: number, outSize: number): Axis {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const ksize = Math.ceil(support) * 2 + 1;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const bounds = new Int32Array(outSize * 2);
  const real = new Float64Array(outSize * ksize);
  let maxWeight = 0;
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const size = Math.min(Math.max(Math.min(Math.trunc(center + support + 0.5), inSize) - xmin, 0), ksize);
    let total = 0;
    for (let j = 0; j < size; j++) {
      const w = keysCubic((j + xmin - center + 0.5) * invScale);
      real[i * ksize + j] = w;
      total += w;
    }
    if (total !== 0) {
      for (let j = 0; j < size; j++) {
        real[i * ksize + j] = real[i * ksize + j]! / total;
        maxWeight = Math.max(maxWeight, real[i * ksize + j]!);
      }
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = size;
  }
  let precision = 0;
  for (; precision < 22; precision++) {
    if (Math.trunc(0.5 + maxWeight * 2 ** (precision + 1)) >= 1 << 15) break;
  }
  const weights = new Int32Array(outSize * ksize);
  for (let k = 0; k < real.length; k++) {
    const v = real[k]! * 2 ** precision;
    weights[k] = v < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
  }
  return { ksize, bounds, weights, precision };
}

/** One separable pass over interleaved RGB8: `tapStep` bytes between the taps of one output value. */
function pass(
  src: Uint8Array,
  out: Uint8Array,
  axis: Axis,
  outerCount: number,
  outerStep: { src: number; out: number },
  tapStep: number,
  outStep: number,
): void {
  const { ksize, bounds, weights, precision } = axis;
  const half = 1 << (precision - 1);
  const outSize = bounds.length / 2;
  for (let o = 0; o < outerCount; o++) {
    for (let i = 0; i < outSize; i++) {
      const first = o * outerStep.src + bounds[i * 2]! * tapStep;
      const size = bounds[i * 2 + 1]!;
      const k = i * ksize;
      for (let c = 0; c < 3; c++) {
        let sum = half;
        for (let j = 0; j < size; j++) sum += src[first + j * tapStep + c]! * weights[k + j]!;
        const v = sum >> precision;
        out[o * outerStep.out + i * outStep + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
}

/** Resizes interleaved RGB8 to `width × height` as `torchvision.transforms.v2.functional.resize` does on uint8. */
export function resizeLikeTorchvision(image: RgbImage, width: number, height: number): RgbImage {
  const { width: inW, height: inH } = image;
  let rgb = image.rgb;
  if (width !== inW) {
    const tmp = new Uint8Array(width * inH * 3);
    pass(rgb, tmp, axisWeights(inW, width), inH, { src: inW * 3, out: width * 3 }, 3, 3);
    rgb = tmp;
  }
  if (height !== inH) {
    const out = new Uint8Array(width * height * 3);
    // Columns are the outer loop here: each output row reads `size` rows of the intermediate.
    pass(rgb, out, axisWeights(inH, height), width, { src: 3, out: 3 }, width * 3, width * 3);
    rgb = out;
  }
  return { width, height, rgb: rgb === image.rgb ? Uint8Array.from(rgb) : rgb };
}
