/**
 * Plain-loop reference math on row-major Float32Arrays, written straight from the upstream formulas. The
 * graph tests compare ONNX Runtime's output against these; nothing here is used by the graphs themselves.
 */

/** `x [m, k] · wᵀ + b` with a torch Linear weight `w [n, k]`. */
export function linear(
  x: Float32Array,
  m: number,
  k: number,
  w: Float32Array,
  n: number,
  b?: Float32Array,
): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = b ? b[j]! : 0;
      for (let t = 0; t < k; t++) acc += x[i * k + t]! * w[j * k + t]!;
      out[i * n + j] = acc;
    }
  }
  return out;
}

/** Qwen2 RMSNorm over the last axis: `w · x / sqrt(mean(x²) + eps)`. */
export function rmsNorm(x: Float32Array, d: number, w: Float32Array, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x[r * d + i]! ** 2;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let i = 0; i < d; i++) out[r * d + i] = w[i]! * (x[r * d + i]! * inv);
  }
  return out;
}

export const silu = (v: number): number => v / (1 + Math.exp(-v));

/** erf to double precision: Maclaurin series near 0, continued fraction for erfc further out. */
export function erf(x: number): number {
  const a = Math.abs(x);
  let r: number;
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = 0;
    for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
  }
  return x < 0 ? -r : r;
}

/** torch `nn.GELU()` (exact, erf form). */
export const geluErf = (v: number): number => 0.5 * v * (1 + erf(v / Math.SQRT2));

export function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function mul(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
  return out;
}

/**
 * Rotate-half rotary on `x [s, heads, d]` with per-token tables `cos/sin [s, d]`:
 * `x·cos + [−x₂, x₁]·sin` where x₁, x₂ are the two halves of each head.
 */
export function rotateHalfRope(
  x: Float32Array,
  s: number,
  heads: number,
  d: number,
  cos: Float32Array,
  sin: Float32Array,
): Float32Array {
  const out = new Float32Array(x.length);
  const half = d / 2;
  for (let t = 0; t < s; t++) {
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * d;
      for (let i = 0; i < d; i++) {
        const rot = i < half ? -x[o + i + half]! : x[o + i - half]!;
        out[o + i] = x[o + i]! * cos[t * d + i]! + rot * sin[t * d + i]!;
      }
    }
  }
  return out;
}

/**
 * Softmax attention, `q [s, hq, d]`, `k, v [s, hkv, d]` (query head h reads kv head ⌊h / (hq/hkv)⌋), scale
 * 1/√d; `allowed(i, j)` says whether query i may attend to key j. Returns `[s, hq, d]`.
 */
export function attention(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: number,
  hq: number,
  hkv: number,
  d: number,
  allowed: (i: number, j: number) => boolean,
): Float32Array {
  const out = new Float32Array(s * hq * d);
  const scale = 1 / Math.sqrt(d);
  const group = hq / hkv;
  const scores = new Float64Array(s);
  for (let h = 0; h < hq; h++) {
    const kh = Math.floor(h / group);
    for (let i = 0; i < s; i++) {
      let max = -Infinity;
      for (let j = 0; j < s; j++) {
        if (!allowed(i, j)) {
          scores[j] = -Infinity;
          continue;
        }
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[(i * hq + h) * d + c]! * k[(j * hkv + kh) * d + c]!;
        scores[j] = dot * scale;
        max = Math.max(max, scores[j]!);
      }
      let sum = 0;
      for (let j = 0; j < s; j++) {
        scores[j] = scores[j] === -Infinity ? 0 : Math.exp(scores[j]! - max);
        sum += scores[j]!;
      }
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j < s; j++) if (scores[j]) acc += scores[j]! * v[(j * hkv + kh) * d + c]!;
        out[(i * hq + h) * d + c] = acc / sum;
      }
    }
  }
  return out;
}
