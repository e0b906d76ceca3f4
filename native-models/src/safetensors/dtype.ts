/**
 * The floating-point storage types of safetensors files that the model stack reads and writes, and exact
 * conversions between them and float32. Host byte order is assumed little-endian (x64, arm64), as the
 * safetensors format is.
 */
import type { DType } from '../weights';

export const DTYPE_BYTES: Readonly<Record<DType, number>> = { F32: 4, F16: 2, BF16: 2 };

export function isDType(value: unknown): value is DType {
  return value === 'F32' || value === 'F16' || value === 'BF16';
}

/** Widens bfloat16 bit patterns to float32: exact (bf16 is the upper half of a float32). */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}

/** Widens IEEE half-precision bit patterns to float32: exact, subnormals, infinities and NaN included. */
export function f16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) {
      outBits[i] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      outBits[i] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      outBits[i] = sign;
    } else {
      // Subnormal half: normalise the mantissa; the value is mant · 2^-24.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      outBits[i] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  return out;
}

/** Rounds float32 values to bfloat16 bit patterns (round to nearest, ties to even; NaN stays NaN). */
export function f32ToBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const b = bits[i]!;
    if ((b & 0x7fffffff) > 0x7f800000) {
      out[i] = (b >>> 16) | 0x40;
    } else {
      out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }
  }
  return out;
}

/** Rounds float32 values to IEEE half bit patterns (round to nearest even, overflow to infinity). */
export function f32ToF16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const b = bits[i]!;
    const sign = (b >>> 16) & 0x8000;
    const abs = b & 0x7fffffff;
    if (abs > 0x7f800000) {
      out[i] = sign | 0x7e00;
    } else if (abs >= 0x477ff000) {
      // At or above 65520 rounds to infinity.
      out[i] = sign | 0x7c00;
    } else if (abs >= 0x38800000) {
      // Normal half: rebias the exponent, round the 13 dropped mantissa bits to nearest even.
      const r = abs - 0x38000000;
      out[i] = sign | ((r + 0xfff + ((r >>> 13) & 1)) >>> 13);
    } else if (abs > 0x33000000) {
      // Subnormal half: shift the full mantissa into place with round to nearest even.
      const exp = abs >>> 23;
      const mant = (abs & 0x7fffff) | 0x800000;
      const shift = 126 - exp;
      const half = 1 << (shift - 1);
      const rest = mant & ((1 << shift) - 1);
      let q = mant >>> shift;
      if (rest > half || (rest === half && (q & 1) === 1)) q++;
      out[i] = sign | q;
    } else {
      out[i] = sign;
    }
  }
  return out;
}

/**
 * Converts raw little-endian tensor bytes of `dtype` to float32 (exact widening). F32 bytes that own
 * their whole buffer (as a fresh read does) are viewed in place rather than copied: for a large tensor
 * that halves the transient memory; every other case returns a copy.
 */
export function bytesToF32(dtype: DType, bytes: Uint8Array): Float32Array {
  if (dtype === 'F32' && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (dtype === 'F32') {
    return new Float32Array(
      aligned.buffer.slice(aligned.byteOffset, aligned.byteOffset + aligned.byteLength),
    );
  }
  const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  return dtype === 'BF16' ? bf16ToF32(halves) : f16ToF32(halves);
}

/** Encodes float32 values as raw little-endian bytes of `dtype` (rounding to nearest even when narrowing). */
export function f32ToBytes(dtype: DType, values: Float32Array): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const halves = dtype === 'BF16' ? f32ToBf16(values) : f32ToF16(values);
  return new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength);
}
