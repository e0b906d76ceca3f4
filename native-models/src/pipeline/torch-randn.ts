/**
 * `torch.manual_seed(seed); torch.randn(shape)` on the CPU in float32, bit for bit, so that a seed means
 * the same noise here as in diffusers and ComfyUI (design.md §3).
 *
 * torch has two samplers (aten/src/ATen/native/cpu/DistributionTemplates.h, `normal_kernel`):
 * - 16 or more contiguous elements: fill the tensor with 24-bit uniforms, then Box–Muller in blocks of 16
 *   (first 8 values give the radius' uniform, the next 8 the angle's); a tail that is not a multiple of 16
 *   redraws the last 16 values. On AVX2 CPUs (every x86-64 desktop of the last decade, and what pip's
 *   wheels dispatch to) the block uses the cephes-derived `log256_ps` / `sincos256_ps` of
 *   `avx_mathfun.h`; those float32 polynomials are emulated below operation by operation.
 * - fewer elements: the scalar double-precision Box–Muller of `at::normal_distribution<double>`, which
 *   caches the second (sine) value of each pair for the next draw.
 */
import { Mt19937 } from './mt19937';

const f = Math.fround;
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_PI_F32 = f(2 * Math.PI);

/** Draws standard-normal float32 values exactly as torch's CPU generator does after `manual_seed(seed)`. */
export class TorchCpuRandn {
  private readonly mt: Mt19937;
  private cachedNormal: number | undefined;

  constructor(seed: number | bigint) {
    this.mt = new Mt19937(seed);
  }

  /** The next `torch.randn(shape)`: a contiguous float32 tensor of `prod(shape)` values. */
  randn(shape: readonly number[]): Float32Array {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`invalid shape [${shape.join(', ')}]`);
    const out = new Float32Array(size);
    if (size >= 16) this.fillVectorised(out);
    // `normal * std + mean` with mean 0 also maps -0 to +0.
    else for (let i = 0; i < size; i++) out[i] = f(this.scalarNormal() + 0);
    return out;
  }

  private uniformF32(): number {
    return (this.mt.nextUint32() & 0xffffff) * TWO_POW_M24;
  }

  private uniformF64(): number {
    const hi = this.mt.nextUint32();
    const lo = this.mt.nextUint32();
    // 53 low bits of (hi << 32 | lo): 21 bits of hi and all of lo.
    return ((hi & 0x1fffff) * 2 ** 32 + lo) * TWO_POW_M53;
  }

  private scalarNormal(): number {
    if (this.cachedNormal !== undefined) {
      const cached = this.cachedNormal;
      this.cachedNormal = undefined;
      return cached;
    }
    const u1 = this.uniformF64();
    const u2 = this.uniformF64();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  private fillVectorised(data: Float32Array): void {
    const size = data.length;
    for (let i = 0; i < size; i++) data[i] = this.uniformF32();
    for (let i = 0; i + 16 <= size; i += 16) boxMuller16(data, i);
    if (size % 16 !== 0) {
      const start = size - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.uniformF32();
      boxMuller16(data, start);
    }
  }
}

/** One seed, one draw: `torch.manual_seed(seed); torch.randn(shape)`. */
export function torchRandn(seed: number | bigint, shape: readonly number[]): Float32Array {
  return new TorchCpuRandn(seed).randn(shape);
}

function boxMuller16(data: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = f(Math.sqrt(f(-2 * logF32(u1))));
    const theta = f(TWO_PI_F32 * u2);
    const [s, c] = sinCosF32(theta);
    // The kernel's final fmadd(n, std = 1, mean = 0) turns a -0 (radius 0 times a positive factor) into +0.
    data[at + j] = f(radius * c) + 0;
    data[at + j + 8] = f(radius * s) + 0;
  }
}

const SQRTHF = f(Math.SQRT1_2);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);
const bits = new DataView(new ArrayBuffer(4));

/** `log256_ps` of avx_mathfun.h for one lane (inputs here are in (0, 1]). */
function logF32(input: number): number {
  if (input <= 0) return Number.NaN;
  bits.setFloat32(0, Math.max(input, 1.1754943508222875e-38));
  const raw = bits.getUint32(0);
  let e = f((raw >>> 23) - 0x7f + 1);
  bits.setUint32(0, (raw & ~0x7f800000) | 0x3f000000);
  let x = bits.getFloat32(0);
  const below = x < SQRTHF;
  const tmp = below ? x : 0;
  x = f(x - 1);
  if (below) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k < 9; k++) y = fmaF32(y, x, LOG_P[k]!);
  y = f(y * x);
  y = fmaF32(y, z, f(e * LOG_Q1));
  y = fmaF32(-z, 0.5, y);
  x = f(x + y);
  return fmaF32(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.774894977445941e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** `sincos256_ps` of avx_mathfun.h for one lane: [sin, cos]. */
function sinCosF32(input: number): [number, number] {
  let sinSign = input < 0 || Object.is(input, -0) ? -1 : 1;
  let x = Math.abs(input);
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  if (j & 4) sinSign = -sinSign;
  const cosSign = ~(j - 2) & 4 ? -1 : 1;
  const usePolyCosForSin = (j & 2) !== 0;
  x = fmaF32(y, DP1, x);
  x = fmaF32(y, DP2, x);
  x = fmaF32(y, DP3, x);
  const z = f(x * x);
  let c = COS_P[0]!;
  c = fmaF32(c, z, COS_P[1]!);
  c = fmaF32(c, z, COS_P[2]!);
  c = f(c * z);
  c = fmaF32(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = SIN_P[0]!;
  s = fmaF32(s, z, SIN_P[1]!);
  s = fmaF32(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fmaF32(s, x, x);
  const sinValue = usePolyCosForSin ? c : s;
  const cosValue = usePolyCosForSin ? s : c;
  return [sinSign * sinValue, cosSign * cosValue];
}

/**
 * Fused multiply-add rounded once to float32. The AVX2 kernel is compiled with FMA enabled and GCC
 * contracts its multiply/add pairs into vfmadd, so each pair is rounded once, not twice.
 */
function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: the product of two float32 values fits a double
  const s = p + c;
  const bp = s - c;
  const err = p - bp + (c - (s - bp)); // TwoSum: s + err == p + c exactly
  const r = f(s);
  if (err === 0 || r === s) return r;
  // Rounding s to float32 is only wrong when s sits exactly halfway between two floats; then err decides.
  const other = f(s + (s - r));
  if (Math.abs(s - r) !== Math.abs(other - s)) return r;
  return err > 0 === other > r ? other : r;
}
