import type { FeedSpec } from '../vision/feeds';
import type { GridThw } from '../vision/layout';
import type { TextConfig } from '../../config/text-encoder';
import { TEXT_IO } from './graph';
import { mropePositionIds } from './position-ids';

/**
 * All inputs of the text graph: token rows (equal length), their 0/1 attention mask (all ones when omitted),
 * the grids of the images in the order their pad runs appear, and the vision graph's `image_embeds`.
 */
export function textGraphFeeds(
  inputIds: readonly (readonly number[])[],
  imageGrids: readonly GridThw[],
  imageEmbeds: Float32Array,
  config: TextConfig,
  spatialMergeSize: number,
  attentionMask?: readonly (readonly number[])[],
): Record<string, FeedSpec> {
  const batch = inputIds.length;
  const seq = inputIds[0]?.length ?? 0;
  const mask = attentionMask ?? inputIds.map((row) => row.map(() => 1));
  const pads = inputIds.flat().filter((id) => id === config.imageTokenId).length;
  if (imageEmbeds.length !== pads * config.hiddenSize) {
    throw new Error(
      `image_embeds has ${imageEmbeds.length / config.hiddenSize} rows but the tokens hold ${pads} image pads`,
    );
  }
  const positions = mropePositionIds(inputIds, imageGrids, spatialMergeSize, config, mask);
  return {
    [TEXT_IO.inputIds]: {
      dtype: 'int64',
      data: BigInt64Array.from(inputIds.flat(), BigInt),
      dims: [batch, seq],
    },
    [TEXT_IO.attentionMask]: {
      dtype: 'int64',
      data: BigInt64Array.from(mask.flat(), BigInt),
      dims: [batch, seq],
    },
    [TEXT_IO.positionIds]: { dtype: 'int64', data: positions, dims: [3, batch, seq] },
    [TEXT_IO.imageEmbeds]: { dtype: 'float32', data: imageEmbeds, dims: [pads, config.hiddenSize] },
  };
}
