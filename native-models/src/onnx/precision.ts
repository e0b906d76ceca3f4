/**
 * Precision plans: which element type the graph computes in, how dense weights are stored, and whether the
 * big linear layers are weight-only quantised (com.microsoft MatMulNBits).
 */
export type Precision = 'fp32' | 'bf16' | 'int8' | 'int4';
export type ComputeType = 'float32' | 'bfloat16';
export type QuantBlockSize = 16 | 32 | 64 | 128 | 256;

export type PrecisionOptions = Readonly<{
  precision?: Precision;
  /** MatMulNBits block size along K (int8/int4 only); default 32. */
  blockSize?: QuantBlockSize;
  /**
   * Compute type inside the graph. Defaults: fp32 → float32, bf16 → bfloat16, int8/int4 → float32 (CPU runs
   * them; pass 'bfloat16' for GPU graphs).
   */
  compute?: ComputeType;
  /**
   * MatMulNBits `accuracy_level` (int8/int4): the type the CPU kernel computes in (0 = the kernel's default, 4 =
   * int8 activations). Default 4 for float32 compute, where it ran 1.3–1.5× faster than the default (which was
   * slower than fp32 for int8); 0 for bfloat16 compute (GPU kernels ignore it).
   */
  accuracyLevel?: 0 | 1 | 2 | 3 | 4;
}>;

export type PrecisionPlan = Readonly<{
  precision: Precision;
  compute: ComputeType;
  /** Storage type of weights that are not quantised (norms, biases, embedders): the compute type. */
  dense: ComputeType;
  /** 0 = no quantisation; 4 or 8 = MatMulNBits bits for the layers a builder marks quantisable. */
  bits: 0 | 4 | 8;
  blockSize: QuantBlockSize;
  accuracyLevel: 0 | 1 | 2 | 3 | 4;
}>;

export function precisionPlan(options: PrecisionOptions = {}): PrecisionPlan {
  const precision = options.precision ?? 'fp32';
  const compute = options.compute ?? (precision === 'bf16' ? 'bfloat16' : 'float32');
  if (precision === 'fp32' && compute !== 'float32') throw new Error("precision 'fp32' computes in float32");
  if (precision === 'bf16' && compute !== 'bfloat16')
    throw new Error("precision 'bf16' computes in bfloat16");
  const blockSize = options.blockSize ?? 32;
  if (![16, 32, 64, 128, 256].includes(blockSize)) throw new Error(`unsupported block size ${blockSize}`);
  const bits = precision === 'int4' ? 4 : precision === 'int8' ? 8 : 0;
  const accuracyLevel = options.accuracyLevel ?? (compute === 'float32' ? 4 : 0);
  return { precision, compute, dense: compute, bits, blockSize, accuracyLevel };
}
