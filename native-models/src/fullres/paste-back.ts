/**
 * Paste-back at full resolution (issue 12 §1): the edited working-size image is upscaled only over the
 * changed area and blended into the full-resolution source with the (upscaled) feathered mask. Every source
 * pixel the mask does not reach keeps its exact bytes, so chained edits never degrade untouched areas.
 *
 * Out of scope here: 16-bit and alpha sources (the pipeline loads 8-bit RGB, alpha composited on white).
 */
import type { RgbImage } from '../pipeline/load-image';
import { maskBounds } from './changed-mask';
import type { Mask } from './changed-mask';
import { resampleRegion } from './resample';
import type { Kernel } from './resample';
import { workingRectToSource } from './working-map';
import type { Rect, WorkingMap } from './working-map';

export type PasteBackOptions = Readonly<{
  /** The image kernel (the mask always uses linear interpolation: monotone, no ringing past its edge). */
  kernel?: Kernel;
  /**
   * Write into `source.rgb` instead of a copy: no second full-resolution buffer (104 MB at 4961×7016),
   * for callers that no longer need the parent's pixels once the result exists.
   */
  inPlace?: boolean;
}>;

export type PasteBackResult = Readonly<{
  image: RgbImage;
  /** The source rectangle that was recomputed; nothing outside it was touched. */
  rect: Rect | null;
  /** Source pixels given a non-zero weight (the changed area at full resolution). */
  changedPixels: number;
}>;

/**
 * Blends `edited` (working size, already aligned) into `source` (full resolution) where `mask` (working
 * size) is non-zero. Returns a new image and leaves `source` unmodified, unless `inPlace`.
 */
export function pasteBack(
  source: RgbImage,
  edited: RgbImage,
  mask: Mask,
  map: WorkingMap,
  options: PasteBackOptions = {},
): PasteBackResult {
  if (source.width !== map.source.width || source.height !== map.source.height)
    throw new Error('the source does not have the mapped source size');
  if (edited.width !== map.working.width || edited.height !== map.working.height)
    throw new Error('the edited image does not have the working size');
  if (mask.width !== map.working.width || mask.height !== map.working.height)
    throw new Error('the mask does not have the working size');
  const out = options.inPlace ? source.rgb : new Uint8Array(source.rgb);
  const bounds = maskBounds(mask);
  if (!bounds)
    return { image: { width: source.width, height: source.height, rgb: out }, rect: null, changedPixels: 0 };
  // One working pixel of margin: the linear mask kernel reaches one working pixel beyond a non-zero value.
  const grown = { x: bounds.x - 1, y: bounds.y - 1, width: bounds.width + 2, height: bounds.height + 2 };
  const rect = workingRectToSource(map, grown);
  const maskRows = new Float32Array(rect.width * rect.height);
  resampleRegion(
    { width: mask.width, height: mask.height, channels: 1, data: mask.alpha },
    map.source,
    rect,
    'linear',
    (y, row) => maskRows.set(row, (y - rect.y) * rect.width),
  );
  let changedPixels = 0;
  const W = source.width;
  resampleRegion(
    { width: edited.width, height: edited.height, channels: 3, data: edited.rgb },
    map.source,
    rect,
    options.kernel ?? 'lanczos3',
    (y, row) => {
      const mrow = (y - rect.y) * rect.width;
      for (let x = 0; x < rect.width; x++) {
        const a = maskRows[mrow + x]!;
        if (!(a > 0)) continue;
        changedPixels++;
        const k = (y * W + rect.x + x) * 3;
        for (let c = 0; c < 3; c++) {
          const s = source.rgb[k + c]!;
          const v = s + Math.min(1, a) * (row[x * 3 + c]! - s);
          out[k + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
        }
      }
    },
  );
  return { image: { width: source.width, height: source.height, rgb: out }, rect, changedPixels };
}
