/**
 * Test helper: a straightforward plain-loop TypeScript implementation of QwenImageTransformer2DModel's forward
 * (diffusers `transformer_qwenimage.py`), written independently of the graph builder, in float64 arithmetic.
 * Per batch item; row-major arrays; weights by checkpoint name.
 */
import type { TransformerConfig } from '../../config/transformer';
import { transformerTensors } from '../../config/transformer-tensors';
import { seededRandom } from '../../testing/seeded';

export type Weights = Readonly<Record<string, { shape: readonly number[]; data: Float32Array }>>;
type Vec = Float64Array;

function get(w: Weights, name: string): Float32Array {
  const t = w[name];
  if (!t) throw new Error(`reference: weight '${name}' missing`);
  return t.data;
}

/** `y[r] = W·x[r] + b` with `W` `[N, K]` as PyTorch stores it. */
export function refLinear(w: Weights, prefix: string, x: ArrayLike<number>, rows: number): Vec {
  const weight = w[`${prefix}.weight`]!;
  const [n, k] = weight.shape as [number, number];
  const bias = w[`${prefix}.bias`]?.data;
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[j]! : 0;
      for (let i = 0; i < k; i++) acc += x[r * k + i]! * weight.data[j * k + i]!;
      out[r * n + j] = acc;
    }
  }
  return out;
}

/** RMSNorm over the last `dim` values: `x / sqrt(mean(x²) + eps) · g`. */
export function refRmsNorm(x: ArrayLike<number>, dim: number, g: ArrayLike<number>, eps: number): Vec {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let ms = 0;
    for (let i = 0; i < dim; i++) ms += x[r * dim + i]! ** 2;
    const inv = 1 / Math.sqrt(ms / dim + eps);
    for (let i = 0; i < dim; i++) out[r * dim + i] = x[r * dim + i]! * inv * g[i]!;
  }
  return out;
}

/** LayerNorm over the last `dim` values, no affine. */
export function refLayerNorm(x: ArrayLike<number>, dim: number, eps: number): Vec {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[r * dim + i]!;
    mean /= dim;
    let v = 0;
    for (let i = 0; i < dim; i++) v += (x[r * dim + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / dim + eps);
    for (let i = 0; i < dim; i++) out[r * dim + i] = (x[r * dim + i]! - mean) * inv;
  }
  return out;
}

export const refSilu = (x: ArrayLike<number>): Vec =>
  Float64Array.from(x as ArrayLike<number>, (v) => v / (1 + Math.exp(-v)));

export const refGeluTanh = (x: ArrayLike<number>): Vec =>
  Float64Array.from(
    x as ArrayLike<number>,
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  );

/** `LN(x)·(1 + scale) + shift` with one `[dim]` shift/scale for all rows. */
export function refModulate(
  x: ArrayLike<number>,
  dim: number,
  shift: ArrayLike<number>,
  scale: ArrayLike<number>,
): Vec {
  const n = refLayerNorm(x, dim, 1e-6);
  for (let i = 0; i < n.length; i++) n[i] = n[i]! * (1 + scale[i % dim]!) + shift[i % dim]!;
  return n;
}

/** The six `[dim]` modulation vectors of `Linear(SiLU(temb))`, in upstream order. */
export function refModulation(w: Weights, prefix: string, temb: ArrayLike<number>, dim: number): Vec[] {
  const p = refLinear(w, prefix, refSilu(temb), 1);
  return Array.from({ length: 6 }, (_, i) => p.slice(i * dim, (i + 1) * dim));
}

/** Rotates interleaved pairs of each head: `x` `[T, H, Dh]`, cos/sin `[T, Dh/2]`. */
export function refRope(
  x: ArrayLike<number>,
  tokens: number,
  numHeads: number,
  headDim: number,
  cos: ArrayLike<number>,
  sin: ArrayLike<number>,
): Vec {
  const out = new Float64Array(x.length);
  const pairs = headDim / 2;
  for (let t = 0; t < tokens; t++) {
    for (let h = 0; h < numHeads; h++) {
      for (let p = 0; p < pairs; p++) {
        const at = (t * numHeads + h) * headDim + 2 * p;
        const [a, b] = [x[at]!, x[at + 1]!];
        const [c, s] = [cos[t * pairs + p]!, sin[t * pairs + p]!];
        out[at] = a * c - b * s;
        out[at + 1] = a * s + b * c;
      }
    }
  }
  return out;
}

export type RefRope = Readonly<{
  imageCos: ArrayLike<number>;
  imageSin: ArrayLike<number>;
  textCos: ArrayLike<number>;
  textSin: ArrayLike<number>;
}>;

/** Joint attention of block `prefix` for one batch item: returns `[imageOut [S, D], textOut [L, D]]`. */
export function refJointAttention(
  w: Weights,
  shape: TransformerConfig,
  prefix: string,
  image: ArrayLike<number>,
  text: ArrayLike<number>,
  textMask: ArrayLike<number>,
  rope: RefRope,
): [Vec, Vec] {
  const { numHeads: H, headDim: Dh } = shape;
  const D = H * Dh;
  const S = image.length / D;
  const L = text.length / D;
  const T = L + S;
  const p = `${prefix}.attn`;
  const proj = (x: ArrayLike<number>, rows: number, name: string, normName?: string) => {
    const y = refLinear(w, `${p}.${name}`, x, rows);
    return normName ? refRmsNorm(y, Dh, get(w, `${p}.${normName}.weight`), 1e-6) : y;
  };
  const qi = refRope(proj(image, S, 'to_q', 'norm_q'), S, H, Dh, rope.imageCos, rope.imageSin);
  const ki = refRope(proj(image, S, 'to_k', 'norm_k'), S, H, Dh, rope.imageCos, rope.imageSin);
  const vi = proj(image, S, 'to_v');
  const qt = refRope(proj(text, L, 'add_q_proj', 'norm_added_q'), L, H, Dh, rope.textCos, rope.textSin);
  const kt = refRope(proj(text, L, 'add_k_proj', 'norm_added_k'), L, H, Dh, rope.textCos, rope.textSin);
  const vt = proj(text, L, 'add_v_proj');
  const cat = (a: Vec, b: Vec) => {
    const o = new Float64Array(a.length + b.length);
    o.set(a);
    o.set(b, a.length);
    return o;
  };
  const [q, k, v] = [cat(qt, qi), cat(kt, ki), cat(vt, vi)];
  const keep = (j: number) => j >= L || textMask[j]! > 0.5;
  const out = new Float64Array(T * D);
  const scores = new Float64Array(T);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      let max = -Infinity;
      for (let j = 0; j < T; j++) {
        if (!keep(j)) continue;
        let dot = 0;
        for (let d = 0; d < Dh; d++) dot += q[i * D + h * Dh + d]! * k[j * D + h * Dh + d]!;
        scores[j] = dot / Math.sqrt(Dh);
        max = Math.max(max, scores[j]!);
      }
      let sum = 0;
      for (let j = 0; j < T; j++) {
        scores[j] = keep(j) ? Math.exp(scores[j]! - max) : 0;
        sum += scores[j]!;
      }
      for (let j = 0; j < T; j++) {
        const pr = scores[j]! / sum;
        if (pr === 0) continue;
        for (let d = 0; d < Dh; d++) {
          const at = i * D + h * Dh + d;
          out[at] = out[at]! + pr * v[j * D + h * Dh + d]!;
        }
      }
    }
  }
  const txtOut = refLinear(w, `${p}.to_add_out`, out.subarray(0, L * D), L);
  const imgOut = refLinear(w, `${p}.to_out.0`, out.subarray(L * D), S);
  return [imgOut, txtOut];
}

/** The 256-channel sinusoid `[cos(1000σω), sin(1000σω)]`, ω_i = exp(−ln(10000)·i/128). */
export function refSinusoid(sigma: number): Vec {
  const out = new Float64Array(256);
  for (let i = 0; i < 128; i++) {
    const a = 1000 * sigma * Math.exp((-Math.log(10000) * i) / 128);
    out[i] = Math.cos(a);
    out[128 + i] = Math.sin(a);
  }
  return out;
}

export function refTimestepEmbedding(w: Weights, sigma: number): Vec {
  const h = refLinear(w, 'time_text_embed.timestep_embedder.linear_1', refSinusoid(sigma), 1);
  return refLinear(w, 'time_text_embed.timestep_embedder.linear_2', refSilu(h), 1);
}

/** Per-row modulation vectors: row `r` uses `sets[which(r)]`. */
function rowsOf(sets: readonly Vec[], which: (row: number) => number, rows: number, dim: number): Vec {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) out.set(sets[which(r)]!, r * dim);
  return out;
}

/** `LN(x)·(1 + scale) + shift` with per-row `[rows, dim]` shift and scale. */
function refModulateRows(x: ArrayLike<number>, dim: number, shift: Vec, scale: Vec): Vec {
  const n = refLayerNorm(x, dim, 1e-6);
  for (let i = 0; i < n.length; i++) n[i] = n[i]! * (1 + scale[i]!) + shift[i]!;
  return n;
}

const addGatedRows = (x: Vec, gate: Vec, y: ArrayLike<number>) => {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + gate[i]! * y[i]!;
};

/**
 * One transformer forward for one batch item; returns `[S, patch²·out_channels]`. With `modulateIndex`
 * (zero_cond_t) image token r is modulated with t where the index is 0 and with t = 0 otherwise.
 */
export function refTransformer(
  w: Weights,
  shape: TransformerConfig,
  input: Readonly<{
    hidden: ArrayLike<number>;
    encoder: ArrayLike<number>;
    mask: ArrayLike<number>;
    sigma: number;
    rope: RefRope;
    modulateIndex?: ArrayLike<number>;
  }>,
): Vec {
  const D = shape.numHeads * shape.headDim;
  const S = input.hidden.length / shape.inChannels;
  const L = input.encoder.length / shape.jointAttentionDim;
  let img = refLinear(w, 'img_in', input.hidden, S);
  let txt = refLinear(
    w,
    'txt_in',
    refRmsNorm(input.encoder, shape.jointAttentionDim, get(w, 'txt_norm.weight'), 1e-6),
    L,
  );
  const temb = refTimestepEmbedding(w, input.sigma);
  const tembZero = refTimestepEmbedding(w, 0);
  const index = input.modulateIndex;
  const imgWhich = (r: number) => (index && index[r] !== 0 ? 1 : 0);
  for (let i = 0; i < shape.numLayers; i++) {
    const p = `transformer_blocks.${i}`;
    const imgT = refModulation(w, `${p}.img_mod.1`, temb, D);
    const imgZero = refModulation(w, `${p}.img_mod.1`, tembZero, D);
    // [shift1, scale1, gate1, shift2, scale2, gate2], each [S, D] (image) or [L, D] (text).
    const im = imgT.map((v, k) => rowsOf([v, imgZero[k]!], imgWhich, S, D));
    const tm = refModulation(w, `${p}.txt_mod.1`, temb, D).map((v) => rowsOf([v], () => 0, L, D));
    const [ia, ta] = refJointAttention(
      w,
      shape,
      p,
      refModulateRows(img, D, im[0]!, im[1]!),
      refModulateRows(txt, D, tm[0]!, tm[1]!),
      input.mask,
      input.rope,
    );
    img = Float64Array.from(img);
    txt = Float64Array.from(txt);
    addGatedRows(img, im[2]!, ia);
    addGatedRows(txt, tm[2]!, ta);
    const mlp = (x: Vec, rows: number, name: string) =>
      refLinear(w, `${p}.${name}.net.2`, refGeluTanh(refLinear(w, `${p}.${name}.net.0.proj`, x, rows)), rows);
    addGatedRows(img, im[5]!, mlp(refModulateRows(img, D, im[3]!, im[4]!), S, 'img_mlp'));
    addGatedRows(txt, tm[5]!, mlp(refModulateRows(txt, D, tm[3]!, tm[4]!), L, 'txt_mlp'));
  }
  const e = refLinear(w, 'norm_out.linear', refSilu(temb), 1);
  const [scale, shift] = [e.subarray(0, D), e.subarray(D, 2 * D)];
  return refLinear(w, 'proj_out', refModulate(img, D, shift, scale), S);
}

/**
 * Seeded random weights for every tensor `shape` implies (names from the checkpoint listing), scaled so
 * activations stay O(1): linears ~U(±1/√fan_in), biases small, norm weights near 1.
 */
export function randomTransformerWeights(shape: TransformerConfig, seed: number): Weights {
  const rng = seededRandom(seed);
  const out: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
  for (const t of transformerTensors(shape)) {
    const n = t.shape.reduce((a, d) => a * d, 1);
    const bound = t.kind === 'norm' ? 0.2 : t.kind === 'bias' ? 0.1 : 1 / Math.sqrt(t.fanIn);
    const base = t.kind === 'norm' ? 1 : 0;
    out[t.name] = {
      shape: t.shape,
      data: Float32Array.from({ length: n }, () => base + bound * (2 * rng.uniform() - 1)),
    };
  }
  return out;
}
