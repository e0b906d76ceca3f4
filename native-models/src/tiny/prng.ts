/**
 * The tiny model's deterministic random numbers: xoshiro128** seeded per tensor from (seed, tensor name),
 * so a tensor's values do not depend on the order tensors are generated in. Normal deviates use the
 * Irwin–Hall sum of four uniforms (only + and ×: bit-identical on every platform and JS engine, unlike
 * Box–Muller's log/cos), which is close enough to Gaussian for weight init.
 */

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`. */
function hash(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class TensorRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream determined by the seed and the stream's name (e.g. a tensor name). */
  constructor(seed: number, name: string) {
    const init = splitmix32(hash(seed, name));
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init() | 1;
  }

  /** The next 32 random bits (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Approximately standard normal (mean 0, variance 1, bounded by ±2√3). */
  normal(): number {
    const sum = this.uniform() + this.uniform() + this.uniform() + this.uniform();
    return 1.7320508075688772 * (sum - 2);
  }

  /** `n` values `mean + std·normal()` as float32, drawn from the same stream as normal(). */
  normals(n: number, std: number, mean = 0): Float32Array {
    const out = new Float32Array(n);
    // The generator is inlined on local variables: this fills the 10M-entry embedding table in well under
    // a second, where a method call per draw takes several.
    let { a, b, c, d } = this;
    const scale = std * 1.7320508075688772;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
        const t = (b << 9) >>> 0;
        c = (c ^ a) >>> 0;
        d = (d ^ b) >>> 0;
        b = (b ^ c) >>> 0;
        a = (a ^ d) >>> 0;
        c = (c ^ t) >>> 0;
        d = rotl(d, 11);
        sum += r / 4294967296;
      }
      out[i] = mean + scale * (sum - 2);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
