/**
 * Round-to-nearest symmetric block quantisation into com.microsoft MatMulNBits' layout (no zero-point input,
 * so the kernel's default zero point 2^(bits-1) applies).
 *
 * Input: the weight as stored in a PyTorch Linear, `[N, K]` row-major (out × in). Output: `packed` uint8
 * `[N, kBlocks, blockSize·bits/8]` (4-bit: two values per byte, low nibble first) and `scales` `[N, kBlocks]`
 * with `w ≈ (q − 2^(bits−1))·scale`. K is zero-padded to a whole number of blocks.
 */
export type QuantizedWeight = Readonly<{
  packed: Uint8Array;
  scales: Float32Array;
  n: number;
  k: number;
  kBlocks: number;
  blobSize: number;
}>;

export function quantizeBlockwise(
  weight: Float32Array,
  n: number,
  k: number,
  bits: 4 | 8,
  blockSize: number,
): QuantizedWeight {
  if (weight.length !== n * k) throw new Error(`weight has ${weight.length} values, expected ${n}×${k}`);
  const kBlocks = Math.ceil(k / blockSize);
  const blobSize = (blockSize * bits) / 8;
  const packed = new Uint8Array(n * kBlocks * blobSize);
  const scales = new Float32Array(n * kBlocks);
  const qmax = bits === 4 ? 7 : 127;
  const zero = bits === 4 ? 8 : 128;
  // Padding past K quantises to the zero point, so it contributes nothing.
  packed.fill(bits === 4 ? 0x88 : 0x80);
  const q = new Int32Array(blockSize);
  for (let row = 0; row < n; row++) {
    const rowBase = row * k;
    for (let blk = 0; blk < kBlocks; blk++) {
      const start = rowBase + blk * blockSize;
      const len = Math.min(blockSize, k - blk * blockSize);
      let absMax = 0;
      for (let i = 0; i < len; i++) {
        const v = weight[start + i]!;
        const a = v < 0 ? -v : v;
        if (a > absMax) absMax = a;
      }
      const scale = Math.fround(absMax / qmax);
      scales[row * kBlocks + blk] = scale;
      const inv = scale === 0 ? 0 : 1 / scale;
      for (let i = 0; i < len; i++) {
        let v = Math.round(weight[start + i]! * inv);
        if (v > qmax) v = qmax;
        else if (v < -qmax) v = -qmax;
        q[i] = v + zero;
      }
      for (let i = len; i < blockSize; i++) q[i] = zero;
      const blobBase = (row * kBlocks + blk) * blobSize;
      if (bits === 8) {
        for (let i = 0; i < blockSize; i++) packed[blobBase + i] = q[i]!;
      } else {
        for (let i = 0; i < blobSize; i++) packed[blobBase + i] = q[2 * i]! | (q[2 * i + 1]! << 4);
      }
    }
  }
  return { packed, scales, n, k, kBlocks, blobSize };
}

/** The float weight `[N, K]` a quantised weight stands for (for tests and error reports). */
export function dequantizeBlockwise(q: QuantizedWeight, bits: 4 | 8, blockSize: number): Float32Array {
  const out = new Float32Array(q.n * q.k);
  const zero = bits === 4 ? 8 : 128;
  for (let row = 0; row < q.n; row++) {
    for (let i = 0; i < q.k; i++) {
      const blk = Math.floor(i / blockSize);
      const j = i - blk * blockSize;
      const blobBase = (row * q.kBlocks + blk) * q.blobSize;
      const byte = bits === 8 ? q.packed[blobBase + j]! : q.packed[blobBase + (j >> 1)]!;
      const v = bits === 8 ? byte : (j & 1) === 0 ? byte & 0x0f : byte >> 4;
      out[row * q.k + i] = (v - zero) * q.scales[row * q.kBlocks + blk]!;
    }
  }
  return out;
}
