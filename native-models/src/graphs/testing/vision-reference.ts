import { add, attention, geluErf, linear, map, mul, rmsNorm, rotateHalfRope, silu } from './reference-ops';
import type { VisionConfig } from '../../config/text-encoder';
import { patchDim } from '../../config/text-encoder';
import type { GridThw } from '../vision/layout';
import { visionLayout } from '../vision/layout';

export type WeightMap = ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;

/** Which of cu_seqlens' segments index i falls in. */
function segmentOf(cu: readonly number[], i: number): number {
  let s = 0;
  while (cu[s + 1]! <= i) s++;
  return s;
}

/**
 * One vision block in plain loops: `x += proj(attn(rope(qkv(norm1 x))))`, `x += down(SiLU(gate)·up)(norm2 x)`,
 * attention restricted to the segments of `cu` (upstream's cu_seqlens chunks).
 */
export function visionBlockReference(
  x: Float32Array,
  n: number,
  config: VisionConfig,
  weights: WeightMap,
  prefix: string,
  cos: Float32Array,
  sin: Float32Array,
  cu: readonly number[],
): Float32Array {
  const w = (name: string) => weights.get(prefix + name)!.data;
  const h = config.hiddenSize;
  const heads = config.numHeads;
  const d = config.headDim;
  const normed = rmsNorm(x, h, w('norm1.weight'), 1e-6);
  const qkv = linear(normed, n, h, w('attn.qkv.weight'), 3 * h, w('attn.qkv.bias'));
  const part = (p: number) => {
    const out = new Float32Array(n * h);
    for (let i = 0; i < n; i++) out.set(qkv.subarray(i * 3 * h + p * h, i * 3 * h + (p + 1) * h), i * h);
    return out;
  };
  const q = rotateHalfRope(part(0), n, heads, d, cos, sin);
  const k = rotateHalfRope(part(1), n, heads, d, cos, sin);
  const seg = Array.from({ length: n }, (_, i) => segmentOf(cu, i));
  const o = attention(q, k, part(2), n, heads, heads, d, (i, j) => seg[i] === seg[j]);
  const x1 = add(x, linear(o, n, h, w('attn.proj.weight'), h, w('attn.proj.bias')));
  const m = rmsNorm(x1, h, w('norm2.weight'), 1e-6);
  const inter = config.intermediateSize;
  const gate = map(linear(m, n, h, w('mlp.gate_proj.weight'), inter, w('mlp.gate_proj.bias')), silu);
  const up = linear(m, n, h, w('mlp.up_proj.weight'), inter, w('mlp.up_proj.bias'));
  return add(x1, linear(mul(gate, up), n, inter, w('mlp.down_proj.weight'), h, w('mlp.down_proj.bias')));
}

/** The whole vision tower the way upstream's forward runs it, one step at a time, on `pixel_values [N, 1176]`. */
export function visionReference(
  pixelValues: Float32Array,
  grids: readonly GridThw[],
  config: VisionConfig,
  weights: WeightMap,
  prefix: string,
): Float32Array {
  const layout = visionLayout(grids, config);
  const n = layout.numPatches;
  const h = config.hiddenSize;
  const unit = config.spatialMergeSize ** 2;
  const hd = config.headDim;
  const pd = patchDim(config);
  // Conv3d with kernel = stride over a [C, T, P, P] patch is a dot product with the flattened kernel.
  let x = linear(pixelValues, n, pd, weights.get(`${prefix}patch_embed.proj.weight`)!.data, h);
  const permute = (src: Float32Array, width: number) => {
    const out = new Float32Array(src.length);
    layout.windowIndex.forEach((g, i) => {
      const from = Number(g) * unit * width;
      out.set(src.subarray(from, from + unit * width), i * unit * width);
    });
    return out;
  };
  x = permute(x, h);
  const cos = permute(layout.rotaryCos, hd);
  const sin = permute(layout.rotarySin, hd);
  for (let i = 0; i < config.depth; i++) {
    const cu = config.fullattBlockIndexes.includes(i) ? layout.cuSeqlens : layout.cuWindowSeqlens;
    x = visionBlockReference(x, n, config, weights, `${prefix}blocks.${i}.`, cos, sin, cu);
  }
  const w = (name: string) => weights.get(`${prefix}merger.${name}`)!.data;
  const merged = rmsNorm(x, h, w('ln_q.weight'), 1e-6);
  const m = unit * h;
  const tokens = n / unit;
  const hidden = map(linear(merged, tokens, m, w('mlp.0.weight'), m, w('mlp.0.bias')), geluErf);
  const out = linear(hidden, tokens, m, w('mlp.2.weight'), config.outHiddenSize, w('mlp.2.bias'));
  // Undo the window permutation: row i of `out` belongs to merged token windowIndex[i].
  const result = new Float32Array(out.length);
  const o = config.outHiddenSize;
  layout.windowIndex.forEach((g, i) => result.set(out.subarray(i * o, (i + 1) * o), Number(g) * o));
  return result;
}
