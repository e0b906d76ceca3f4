import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TransformerConfig } from '../../config/transformer';

/** What every part of the transformer graph needs: the builder, the checkpoint and the config. */
export type TransformerContext = Readonly<{ b: GraphBuilder; src: WeightSource; shape: TransformerConfig }>;

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
