import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TransformerShape } from '../../convert/architecture/transformer';

/** What every part of the transformer graph needs: the builder, the checkpoint and the config. */
export type TransformerContext = Readonly<{ b: GraphBuilder; src: WeightSource; shape: TransformerShape }>;

/** Per-forward values shared by all blocks. */
export type JointInputs = Readonly<{
  /** RoPE cos/sin for the joint sequence [text, image], float32 `[1, T, 1, pairs, 1]`. */
  ropeCos: string;
  ropeSin: string;
  /** Additive key bias `[B, 1, 1, T]` in the compute type: 0 for kept tokens, −1e30 for padding. */
  keyBias: string;
  /** Text length as int64 `[1]` (where the joint sequence splits). */
  textLength: string;
}>;
