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
    const table = weightInitializer(b, weights, `${prefix}embed_tokens.weight`);
    const embeds = b.op('Gather', [table, ids], { axis: 0 });
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
