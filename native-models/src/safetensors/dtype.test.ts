import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtype';

const allPatterns = () => Uint16Array.from({ length: 65536 }, (_, i) => i);
const isNaNBits16 = (h: number, expMask: number, mantMask: number) =>
  (h & expMask) === expMask && (h & mantMask) !== 0;

describe('half-precision conversions', () => {
  it('widen every bf16 pattern exactly and narrow it back to the same pattern', () => {
    const bits = allPatterns();
    const wide = bf16ToF32(bits);
    const back = f32ToBf16(wide);
    const wrong = [...bits].filter((i) =>
      isNaNBits16(i, 0x7f80, 0x7f) ? !Number.isNaN(wide[i]) : back[i] !== i,
    );
    expect(wrong).toEqual([]);
  });

  it('widen every f16 pattern exactly and narrow it back to the same pattern', () => {
    const bits = allPatterns();
    const wide = f16ToF32(bits);
    const back = f32ToF16(wide);
    const wrong = [...bits].filter((i) =>
      isNaNBits16(i, 0x7c00, 0x3ff) ? !Number.isNaN(wide[i]) : back[i] !== i,
    );
    expect(wrong).toEqual([]);
  });

  it('decode known f16 values', () => {
    const v = f16ToF32(Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x8000));
    expect([...v]).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, Infinity, -0]);
  });

  it('round to nearest even when narrowing', () => {
    // 1 + 2^-8 lies halfway between bf16 1 and 1 + 2^-7: ties to even gives 1.
    expect(f32ToBf16(Float32Array.of(1 + 2 ** -8))[0]).toBe(0x3f80);
    expect(f32ToBf16(Float32Array.of(1 + 3 * 2 ** -8))[0]).toBe(0x3f82);
    // f16: 65519 rounds down to 65504, 65520 overflows to infinity; 2^-25 ties to zero, above it to 2^-24.
    expect([...f32ToF16(Float32Array.of(65519, 65520, 2 ** -25, 2 ** -25 * 1.0001))]).toEqual([
      0x7bff, 0x7c00, 0, 1,
    ]);
  });
});
