import { linear, silu } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';

/** The decoder layer's gated MLP `down(SiLU(gate(x)) · up(x))` of layer prefix `lp`. */
export function gatedMlp(b: GraphBuilder, weights: WeightSource, x: string, lp: string): string {
  return b.scope('mlp', () => {
    const gate = silu(b, linear(b, weights, x, `${lp}.mlp.gate_proj`, { quantize: true }));
    const up = linear(b, weights, x, `${lp}.mlp.up_proj`, { quantize: true });
    return linear(b, weights, b.op('Mul', [gate, up]), `${lp}.mlp.down_proj`, { quantize: true });
  });
}
