/**
 * The working size of an edit and the exact mapping between working and source pixels (issue 12 §1).
 *
 * Rule (spec comment for the pipeline):
 * - The reference image's working size is upstream's `calculate_dimensions(1024·1024, W/H)`: each side a
 *   multiple of 32, near one megapixel, whatever output size is asked for. Our fidelity with upstream
 *   depends on it, so it is imported from `pipeline/image-size`, never re-derived here.
 * - The VAE downsamples by 8 and the transformer packs 2×2 latent patches, so a side must be a multiple of
 *   8·2 = 16 for the reference latent (`2·⌊side/16⌋` in `latentGrid`) to cover the working image exactly.
 *   Multiples of 32 always are: the reference latent is never padded, cropped or re-rounded, which is the
 *   measured cause of drift in other front ends (odd latent sides padded at the edge).
 * - Working and source sizes differ per axis (each side is rounded on its own), so the mapping has one
 *   scale per axis: `scaleX = srcW / workW`, `scaleY = srcH / workH`.
 * - Pixel-centre convention: pixel `i` covers the continuous interval `[i, i+1)` and its centre is `i + ½`.
 *   Continuous coordinates scale linearly (`u_src = u_work · scale`), so centres map as
 *   `i_src = (i_work + ½)·scale − ½`. This is the convention Pillow's and libvips' resamplers use, so content
 *   resized with either lands where this mapping says.
 */
import { EDIT_LIMITS } from '../pipeline/edit-vocabulary';
import type { Size } from '../pipeline/edit-vocabulary';
import { calculateDimensions } from '../pipeline/image-size';

/** Pixels per latent cell (the VAE's spatial factor; `vaeScale` of the pipeline's model info). */
export const VAE_FACTOR = 8;
/** Latent cells per transformer token side (2×2 patch packing). */
export const PATCH_FACTOR = 2;

/** A rectangle in pixels: `[x, x + width) × [y, y + height)`. */
export type Rect = Readonly<{ x: number; y: number; width: number; height: number }>;

export type WorkingMap = Readonly<{
  source: Size;
  working: Size;
  /** Source pixels per working pixel, per axis. */
  scaleX: number;
  scaleY: number;
  /** The reference latent grid (`working / 8`) and the packed token grid (`latent / 2`). */
  latent: Size;
  tokens: Size;
}>;

/**
 * The working size of a source image by upstream's rule and the mapping between the two.
 * Throws if the working size would make the reference latent padded or cropped.
 */
export function workingMap(source: Size, area = EDIT_LIMITS.area.default): WorkingMap {
  if (!(source.width > 0 && source.height > 0))
    throw new Error(`bad source size ${source.width}x${source.height}`);
  const working = calculateDimensions(source.width, source.height, area);
  return mapBetween(source, working);
}

/** The mapping for a given working size (e.g. one recorded in a recipe); checks the latent rule. */
export function mapBetween(source: Size, working: Size): WorkingMap {
  assertExactReferenceLatent(working);
  const unit = VAE_FACTOR * PATCH_FACTOR;
  return {
    source: { width: source.width, height: source.height },
    working: { width: working.width, height: working.height },
    scaleX: source.width / working.width,
    scaleY: source.height / working.height,
    latent: { width: working.width / VAE_FACTOR, height: working.height / VAE_FACTOR },
    tokens: { width: working.width / unit, height: working.height / unit },
  };
}

/**
 * Throws unless both sides are positive multiples of 16: then the pipeline's `latentGrid` (`2·⌊side/16⌋`)
 * times the VAE factor gives back the working size exactly, and the grid packs into whole 2×2 patches.
 */
export function assertExactReferenceLatent(working: Size): void {
  const unit = VAE_FACTOR * PATCH_FACTOR;
  for (const side of [working.width, working.height]) {
    if (!Number.isInteger(side) || side < unit || side % unit !== 0)
      throw new Error(
        `working size ${working.width}x${working.height} is not a multiple of ${unit}: the reference latent ` +
          'would be cropped or padded, which shifts content',
      );
  }
}

/** Working pixel-index coordinates → source pixel-index coordinates (centre convention above). */
export function workingToSource(map: WorkingMap, x: number, y: number): { x: number; y: number } {
  return { x: (x + 0.5) * map.scaleX - 0.5, y: (y + 0.5) * map.scaleY - 0.5 };
}

/** Source pixel-index coordinates → working pixel-index coordinates; the inverse of `workingToSource`. */
export function sourceToWorking(map: WorkingMap, x: number, y: number): { x: number; y: number } {
  return { x: (x + 0.5) / map.scaleX - 0.5, y: (y + 0.5) / map.scaleY - 0.5 };
}

/**
 * The smallest source rectangle covering a working rectangle (continuous extents scaled, then rounded
 * outward and clipped to the source).
 */
export function workingRectToSource(map: WorkingMap, r: Rect): Rect {
  const x0 = Math.max(0, Math.floor(r.x * map.scaleX));
  const y0 = Math.max(0, Math.floor(r.y * map.scaleY));
  const x1 = Math.min(map.source.width, Math.ceil((r.x + r.width) * map.scaleX));
  const y1 = Math.min(map.source.height, Math.ceil((r.y + r.height) * map.scaleY));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** The smallest working rectangle covering a source rectangle (e.g. the user's box), clipped. */
export function sourceRectToWorking(map: WorkingMap, r: Rect): Rect {
  const x0 = Math.max(0, Math.floor(r.x / map.scaleX));
  const y0 = Math.max(0, Math.floor(r.y / map.scaleY));
  const x1 = Math.min(map.working.width, Math.ceil((r.x + r.width) / map.scaleX));
  const y1 = Math.min(map.working.height, Math.ceil((r.y + r.height) / map.scaleY));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
