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
}>;

export type PrecisionPlan = Readonly<{
  precision: Precision;
  compute: ComputeType;
  /** Storage type of weights that are not quantised (norms, biases, embedders): the compute type. */
  dense: ComputeType;
  /** 0 = no quantisation; 4 or 8 = MatMulNBits bits for the layers a builder marks quantisable. */
  bits: 0 | 4 | 8;
  blockSize: QuantBlockSize;
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
  return { precision, compute, dense: compute, bits, blockSize };
}
