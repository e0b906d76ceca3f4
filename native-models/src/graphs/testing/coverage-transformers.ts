/** The transformer configs the kernel-coverage tests build: the tiny model's shape and the released one. */
import { readTransformerConfig } from '../../config/transformer';
import type { TransformerConfig } from '../../config/transformer';

export const COVERAGE_TRANSFORMERS: Readonly<Record<'tiny' | 'real', TransformerConfig>> = {
  tiny: readTransformerConfig({
    _class_name: 'QwenImageTransformer2DModel',
    attention_head_dim: 32,
    axes_dims_rope: [8, 12, 12],
    joint_attention_dim: 64,
    num_attention_heads: 2,
    num_layers: 2,
  }),
  // Qwen-Image-Edit's released config: every default.
  real: readTransformerConfig({ _class_name: 'QwenImageTransformer2DModel' }),
};
