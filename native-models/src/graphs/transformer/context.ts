import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TransformerConfig } from '../../config/transformer';

/**
 * What every part of the transformer graph needs: the builder, the checkpoint and the config, and the element
 * type MultiHeadAttention runs in ('compute', default, or 'float16' with casts around it).
 */
export type TransformerContext = Readonly<{
  b: GraphBuilder;
  src: WeightSource;
  shape: TransformerConfig;
  attentionType?: AttentionType;
}>;

/**
 * 'float16': Q, K, V cast to float16 for MultiHeadAttention and its output cast back — for an onnxruntime whose
 * CUDA MultiHeadAttention has no bfloat16 kernel (the rel-1.30 registrations could not be read here; a newer
 * OperatorKernels.md lists bfloat16). Q and K are RMS-normalised per head, so |q·k|/√d stays far inside
 * float16's range.
 */
export type AttentionType = 'compute' | 'float16';

/** Per-forward values shared by all blocks. */
export type JointInputs = Readonly<{
  /** RoPE cos/sin for the joint sequence [text, image], float32 `[T, pairs]`. */
  ropeCos: string;
  ropeSin: string;
  /** How padding keys are masked, which also picks the attention implementation. */
  keys: KeyMask;
  /** Text length as int64 `[1]` (where the joint sequence splits). */
  textLength: string;
}>;

/**
 * `matmul`: explicit MatMul/Softmax attention with an additive bias `[B, 1, 1, T]` in the compute type (0 kept,
 * −1e30 padding). `mha`: com.microsoft MultiHeadAttention (flash/memory-efficient kernels on CUDA) with an int32
 * key padding mask `[B, T]` (1 kept, 0 padding). Without a mask (graphs built with `textMask: false`) every key
 * attends, and MultiHeadAttention can use CUDA flash attention.
 */
export type KeyMask = Readonly<
  { kind: 'matmul'; keyBias?: string } | { kind: 'mha'; keyPaddingMask?: string }
>;

export type AttentionKind = KeyMask['kind'];
