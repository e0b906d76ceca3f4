import type { VisionConfig } from '../../config/text-encoder';
import { patchDim } from '../../config/text-encoder';
import { VISION_IO } from './graph';
import type { GridThw } from './layout';
import { visionLayout } from './layout';

/** A graph input as plain data: `new ort.Tensor(dtype, data, dims)` makes the ORT tensor. */
export type FeedSpec =
  | Readonly<{ dtype: 'float32'; data: Float32Array; dims: readonly number[] }>
  | Readonly<{ dtype: 'int64'; data: BigInt64Array; dims: readonly number[] }>;

/**
 * All inputs of the vision graph for `pixel_values [patches, C·T·P·P]` (processor order) of the images whose
 * grids are `grids` (the processor's `image_grid_thw`, in the same order).
 */
export function visionGraphFeeds(
  pixelValues: Float32Array,
  grids: readonly GridThw[],
  config: VisionConfig,
): Record<string, FeedSpec> {
  const layout = visionLayout(grids, config);
  const n = layout.numPatches;
  const pd = patchDim(config);
  if (pixelValues.length !== n * pd) {
    throw new Error(
      `pixel_values has ${pixelValues.length} values; grids ${JSON.stringify(grids)} need ${n}×${pd}`,
    );
  }
  const hd = config.headDim;
  return {
    [VISION_IO.pixelValues]: { dtype: 'float32', data: pixelValues, dims: [n, pd] },
    [VISION_IO.windowIndex]: { dtype: 'int64', data: layout.windowIndex, dims: [layout.windowIndex.length] },
    [VISION_IO.rotaryCos]: { dtype: 'float32', data: layout.rotaryCos, dims: [n, hd] },
    [VISION_IO.rotarySin]: { dtype: 'float32', data: layout.rotarySin, dims: [n, hd] },
    [VISION_IO.windowSegmentIds]: { dtype: 'int64', data: layout.windowSegmentIds, dims: [n] },
    [VISION_IO.frameSegmentIds]: { dtype: 'int64', data: layout.frameSegmentIds, dims: [n] },
  };
}
