/**
 * Building blocks shared by the graph builders, written against checkpoint names: Linear (MatMul + Add with a
 * pre-transposed [K, N] weight, or MatMulNBits when quantised), RMSNorm, LayerNorm, SiLU, GELU, casts.
 */
import type { GraphBuilder } from './graph-builder';
import { MS_DOMAIN } from './graph-builder';
import type { TensorDType } from './dtypes';
import { TENSOR_TYPE_CODES } from './dtypes';
import { weightJob } from './tensor-job';
import { weightInitializer } from './weights';
import type { WeightSource } from '../weights';

/** 'transformer_blocks.0.attn.to_out.0' → 'transformer_blocks.0/attn/to_out.0' (numeric parts stay attached). */
export function modulePath(prefix: string): string {
  const parts = prefix.split('.');
  const out: string[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p) && out.length > 0) out[out.length - 1] += `.${p}`;
    else out.push(p);
  }
  return out.join('/');
}

export type LinearOptions = Readonly<{
  /** Use MatMulNBits when the builder's precision is int8/int4 (default false: only big layers opt in). */
  quantize?: boolean;
}>;

/**
 * `y = x·Wᵀ + b` for the PyTorch Linear at `prefix` (`<prefix>.weight` [N, K], optional `<prefix>.bias` [N]).
 * Node names: `/<module path>/MatMul` and `/<module path>/Add`, or one `/<module path>/MatMulNBits` holding the bias.
 */
export function linear(
  b: GraphBuilder,
  src: WeightSource,
  x: string,
  prefix: string,
  options: LinearOptions = {},
): string {
  const weightName = `${prefix}.weight`;
  const shape = src.info(weightName).shape;
  if (shape.length !== 2)
    throw new Error(`weight '${weightName}' has shape [${shape.join(', ')}]; a Linear needs 2-D`);
  const [n, k] = [shape[0]!, shape[1]!];
  const path = `/${modulePath(prefix)}`;
  const biasName = `${prefix}.bias`;
  const bits = b.plan.bits;
  if (options.quantize && bits !== 0) {
    const blockSize = b.plan.blockSize;
    const kBlocks = Math.ceil(k / blockSize);
    const blobSize = (blockSize * bits) / 8;
    // Both initializers come from one quantisation, done a slab of rows at a time as save() reaches them.
    const op = { kind: 'quantize', k, bits, blockSize, scales: b.plan.dense } as const;
    const job = weightJob(src, weightName, op, true);
    const packed = b.initializer(`${weightName}.q${bits}`, {
      dtype: 'uint8',
      dims: [n, kBlocks, blobSize],
      job,
      output: 0,
    });
    const scales = b.initializer(`${weightName}.scales`, {
      dtype: b.plan.dense,
      dims: [n, kBlocks],
      job,
      output: 1,
    });
    // The bias rides in MatMulNBits' optional input 5 (no separate Add pass over the output).
    const bias = src.has(biasName) ? ['', '', weightInitializer(b, src, biasName)] : [];
    const accuracy: Record<string, number> =
      b.plan.accuracyLevel === 0 ? {} : { accuracy_level: b.plan.accuracyLevel };
    return b.op(
      'MatMulNBits',
      [x, packed, scales, ...bias],
      { K: k, N: n, bits, block_size: blockSize, ...accuracy },
      { domain: MS_DOMAIN, name: `${path}/MatMulNBits` },
    );
  }
  const w = weightInitializer(b, src, weightName, { transpose: true });
  let y = b.op('MatMul', [x, w], {}, { name: `${path}/MatMul` });
  if (src.has(biasName))
    y = b.op('Add', [y, weightInitializer(b, src, biasName)], {}, { name: `${path}/Add` });
  return y;
}

/** RMSNorm with learned weight (opset-23 RMSNormalization, statistics in float32). */
export function rmsNorm(
  b: GraphBuilder,
  src: WeightSource,
  x: string,
  weightName: string,
  epsilon: number,
): string {
  const path = `/${modulePath(weightName.replace(/\.weight$/, ''))}`;
  const w = weightInitializer(b, src, weightName);
  return b.op(
    'RMSNormalization',
    [x, w],
    { axis: -1, epsilon: { type: 'float', value: epsilon }, stash_type: 1 },
    { name: `${path}/RMSNormalization` },
  );
}

/** LayerNorm over the last axis of width `dim`, without affine parameters (weight 1, bias 0). */
export function layerNormNoAffine(
  b: GraphBuilder,
  x: string,
  dim: number,
  epsilon: number,
  name = 'LayerNormalization',
): string {
  const ones = b.filled(1, [dim]);
  return b.op(
    'LayerNormalization',
    [x, ones],
    { axis: -1, epsilon: { type: 'float', value: epsilon }, stash_type: 1 },
    { name },
  );
}

/** SiLU: x·sigmoid(x). */
export function silu(b: GraphBuilder, x: string, name = 'SiLU'): string {
  return b.scope(name, () => b.op('Mul', [x, b.op('Sigmoid', [x])]));
}

/** GELU with the tanh approximation (opset-20 Gelu). */
export function geluTanh(b: GraphBuilder, x: string, name = 'Gelu'): string {
  return b.op('Gelu', [x], { approximate: 'tanh' }, { name });
}

/** Cast unless `from` already is `to`. */
export function castIfNeeded(
  b: GraphBuilder,
  x: string,
  from: TensorDType,
  to: TensorDType,
  name = 'Cast',
): string {
  if (from === to) return x;
  return b.op('Cast', [x], { to: { type: 'int', value: TENSOR_TYPE_CODES[to] } }, { name });
}
