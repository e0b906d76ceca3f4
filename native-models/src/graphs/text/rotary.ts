import { castIfNeeded } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import type { TextConfig } from '../../config/text-encoder';
import { mropeChannelComponents, textInvFreq } from './mrope';

/**
 * M-RoPE cos/sin tables `[batch, sequence, 1, head_dim]` (compute type) from `position_ids [3, batch, sequence]`.
 */
export function mropeTables(
  b: GraphBuilder,
  positions: string,
  config: Pick<TextConfig, 'headDim' | 'ropeTheta' | 'mropeSection'>,
): [string, string] {
  return b.scope('rotary', () => {
    const hd = config.headDim;
    // angles[b, s, c] = pos[comp(c)][b, s] · inv_freq[c mod hd/2] as one MatMul with a [3, hd] matrix that holds
    // the frequency in the driving component's row and exact zeros elsewhere.
    const inv = textInvFreq(hd, config.ropeTheta);
    const comp = mropeChannelComponents(config);
    const table = new Float32Array(3 * hd);
    for (let c = 0; c < hd; c++) table[comp[c]! * hd + c] = inv[c % (hd / 2)]!;
    const select = b.tensorConstant(table, 'float32', [3, hd]);
    const pos = b.op('Transpose', [b.op('Cast', [positions], { to: 1 })], { perm: [1, 2, 0] });
    const angles = b.op('MatMul', [pos, select]);
    // [batch, sequence, 1, hd] broadcasts over [batch, sequence, heads, hd].
    const axis = b.constant([2], 'int64');
    const c = b.op(
      'Unsqueeze',
      [castIfNeeded(b, b.op('Cos', [angles]), 'float32', b.compute, 'CastCos'), axis],
      {},
      { name: 'CosTable' },
    );
    const s = b.op(
      'Unsqueeze',
      [castIfNeeded(b, b.op('Sin', [angles]), 'float32', b.compute, 'CastSin'), axis],
      {},
      { name: 'SinTable' },
    );
    return [c, s];
  });
}
