import { castIfNeeded, weightInitializer } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import type { WeightSource } from '../../weights';

/**
 * Token embeddings with the vision features written over the `imageTokenId` positions in row-major order,
 * like upstream's masked_scatter. `image` is `[image_tokens, hidden]` float32 (`[0, hidden]` without an image).
 */
export function embedWithImages(
  b: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  ids: string,
  image: string,
  imageTokenId: number,
): string {
  return b.scope('embed_tokens', () => {
    // int builds computing in float32 keep the table (152,064 × 3,584: 2.2 GB in float32) in float16 and widen
    // only the gathered rows: half the bytes, three more significand bits than the checkpoint's bfloat16 (the
    // values are far inside float16's range), and a type WebGPU has. Other builds store the compute type.
    const narrow = b.plan.bits !== 0 && b.compute === 'float32';
    const name = `${prefix}embed_tokens.weight`;
    const table = narrow
      ? weightInitializer(b, weights, name, { dtype: 'float16' })
      : weightInitializer(b, weights, name);
    const rows = b.op('Gather', [table, ids], { axis: 0 });
    const embeds = narrow ? castIfNeeded(b, rows, 'float16', 'float32', 'Widen') : rows;
    // [2, K] (batch, position) of every image pad, row-major → [K, 2] scatter indices.
    const where = b.op('NonZero', [b.op('Equal', [ids, b.constant(imageTokenId, 'int64')])]);
    const indices = b.op('Transpose', [where], { perm: [1, 0] });
    return b.op(
      'ScatterND',
      [embeds, indices, castIfNeeded(b, image, 'float32', b.compute, 'CastImage')],
      {},
      { name: 'PlaceImage' },
    );
  });
}
