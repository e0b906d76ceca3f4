import { silu } from './reference-ops';
import type { VaeLayer } from '../vae/architecture';

/**
 * Straightforward single-frame VAE in plain loops, from the upstream `AutoencoderKLQwenImage` formulas (causal
 * convs reduced to their last temporal slice, channel RMS_norm, SiLU, single-head mid attention, resampling).
 * One image `[C, H, W]` at a time. Only the tests use it.
 */
export type Image = { c: number; h: number; w: number; data: Float32Array };
export type WeightMap = ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;

function weight(weights: WeightMap, name: string) {
  const t = weights.get(name);
  if (!t) throw new Error(`reference: weight '${name}' missing`);
  return t;
}

/** `[O, C, kt, k, k]` → the `[O, C, k, k]` slice at the last temporal index (what a causal conv sees on frame 0). */
export function lastTemporalSlice(w: Float32Array, shape: readonly number[]): Float32Array {
  const [o, c, kt, kh, kw] = shape as [number, number, number, number, number];
  const out = new Float32Array(o * c * kh * kw);
  for (let a = 0; a < o * c; a++) {
    for (let i = 0; i < kh * kw; i++) out[a * kh * kw + i] = w[(a * kt + kt - 1) * kh * kw + i]!;
  }
  return out;
}

/** 2-D cross-correlation with zero padding `[top, left, bottom, right]`. */
export function conv2d(
  x: Image,
  w: Float32Array,
  bias: Float32Array,
  outC: number,
  k: number,
  stride: number,
  pad: readonly [number, number, number, number],
): Image {
  const [pt, pl, pb, pr] = pad;
  const oh = Math.floor((x.h + pt + pb - k) / stride) + 1;
  const ow = Math.floor((x.w + pl + pr - k) / stride) + 1;
  const out = new Float32Array(outC * oh * ow);
  for (let o = 0; o < outC; o++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let acc = bias[o]!;
        for (let c = 0; c < x.c; c++) {
          for (let ky = 0; ky < k; ky++) {
            const iy = y * stride + ky - pt;
            if (iy < 0 || iy >= x.h) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = xx * stride + kx - pl;
              if (ix < 0 || ix >= x.w) continue;
              acc += w[((o * x.c + c) * k + ky) * k + kx]! * x.data[(c * x.h + iy) * x.w + ix]!;
            }
          }
        }
        out[(o * oh + y) * ow + xx] = acc;
      }
    }
  }
  return { c: outC, h: oh, w: ow, data: out };
}

/** `F.normalize(x, dim=channels) · √C · γ`: L2 over channels clamped at 1e-12. */
export function rmsNormChannels(x: Image, gamma: Float32Array): Image {
  const hw = x.h * x.w;
  const out = new Float32Array(x.data.length);
  const scale = Math.sqrt(x.c);
  for (let p = 0; p < hw; p++) {
    let ss = 0;
    for (let c = 0; c < x.c; c++) ss += x.data[c * hw + p]! ** 2;
    const norm = Math.max(Math.sqrt(ss), 1e-12);
    for (let c = 0; c < x.c; c++) out[c * hw + p] = (x.data[c * hw + p]! / norm) * scale * gamma[c]!;
  }
  return { ...x, data: out };
}

const siluImage = (x: Image): Image => ({ ...x, data: x.data.map(silu) });

function causalConv(x: Image, weights: WeightMap, name: string, outC: number, k: 1 | 3): Image {
  const w = weight(weights, `${name}.weight`);
  const slice = w.shape.length === 5 ? lastTemporalSlice(w.data, w.shape) : w.data;
  const p = k === 3 ? 1 : 0;
  return conv2d(x, slice, weight(weights, `${name}.bias`).data, outC, k, 1, [p, p, p, p]);
}

/** `conv_shortcut(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x))))))`. */
export function residualBlock(x: Image, weights: WeightMap, name: string, outDim: number): Image {
  const shortcut = x.c !== outDim ? causalConv(x, weights, `${name}.conv_shortcut`, outDim, 1) : x;
  let h = siluImage(rmsNormChannels(x, weight(weights, `${name}.norm1.gamma`).data));
  h = causalConv(h, weights, `${name}.conv1`, outDim, 3);
  h = siluImage(rmsNormChannels(h, weight(weights, `${name}.norm2.gamma`).data));
  h = causalConv(h, weights, `${name}.conv2`, outDim, 3);
  return { ...h, data: h.data.map((v, i) => v + shortcut.data[i]!) };
}

/** Single-head self-attention over all positions (q, k, v = channel thirds of to_qkv), proj, + identity. */
export function attentionBlock(x: Image, weights: WeightMap, name: string): Image {
  const c = x.c;
  const n = x.h * x.w;
  const normed = rmsNormChannels(x, weight(weights, `${name}.norm.gamma`).data);
  const qkv = conv2d(
    normed,
    weight(weights, `${name}.to_qkv.weight`).data,
    weight(weights, `${name}.to_qkv.bias`).data,
    3 * c,
    1,
    1,
    [0, 0, 0, 0],
  );
  const at = (ch: number, p: number) => qkv.data[ch * n + p]!;
  const o = new Float32Array(c * n);
  const scores = new Float64Array(n);
  const scale = 1 / Math.sqrt(c);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let ch = 0; ch < c; ch++) dot += at(ch, i) * at(c + ch, j);
      scores[j] = dot * scale;
      max = Math.max(max, scores[j]!);
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += scores[j] = Math.exp(scores[j]! - max);
    for (let ch = 0; ch < c; ch++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += scores[j]! * at(2 * c + ch, j);
      o[ch * n + i] = acc / sum;
    }
  }
  const proj = conv2d(
    { c, h: x.h, w: x.w, data: o },
    weight(weights, `${name}.proj.weight`).data,
    weight(weights, `${name}.proj.bias`).data,
    c,
    1,
    1,
    [0, 0, 0, 0],
  );
  return { ...x, data: proj.data.map((v, i) => v + x.data[i]!) };
}

function upsampleNearest2(x: Image): Image {
  const out = new Float32Array(x.c * 4 * x.h * x.w);
  const w2 = 2 * x.w;
  for (let c = 0; c < x.c; c++) {
    for (let y = 0; y < 2 * x.h; y++) {
      for (let xx = 0; xx < w2; xx++)
        out[(c * 2 * x.h + y) * w2 + xx] = x.data[(c * x.h + (y >> 1)) * x.w + (xx >> 1)]!;
    }
  }
  return { c: x.c, h: 2 * x.h, w: 2 * x.w, data: out };
}

/** Runs one layer of the VAE layer list on one image. */
export function runVaeLayer(x: Image, layer: VaeLayer, weights: WeightMap): Image {
  switch (layer.kind) {
    case 'causalConv':
      return causalConv(x, weights, layer.name, layer.outDim, layer.kernel);
    case 'residual':
      return residualBlock(x, weights, layer.name, layer.outDim);
    case 'attention':
      return attentionBlock(x, weights, layer.name);
    case 'downsample':
      return conv2d(
        x,
        weight(weights, `${layer.name}.resample.1.weight`).data,
        weight(weights, `${layer.name}.resample.1.bias`).data,
        layer.dim,
        3,
        2,
        [0, 0, 1, 1],
      );
    case 'upsample':
      return conv2d(
        upsampleNearest2(x),
        weight(weights, `${layer.name}.resample.1.weight`).data,
        weight(weights, `${layer.name}.resample.1.bias`).data,
        layer.dim / 2,
        3,
        1,
        [1, 1, 1, 1],
      );
    case 'normSilu':
      return siluImage(rmsNormChannels(x, weight(weights, `${layer.name}.gamma`).data));
    case 'slice':
      return { ...x, c: layer.channels, data: x.data.slice(0, layer.channels * x.h * x.w) };
    case 'clamp':
      return { ...x, data: x.data.map((v) => Math.min(1, Math.max(-1, v))) };
  }
}

/** Runs a whole layer list (encoder or decoder) on one image. */
export function runVaeReference(x: Image, layers: readonly VaeLayer[], weights: WeightMap): Image {
  return layers.reduce((h, layer) => runVaeLayer(h, layer, weights), x);
}
