/**
 * The `source` output mode (issue 12 §1): the model's decoded output is aligned to the input, and only the
 * changed area — or the user's region — is upscaled and blended into the full-resolution source. Every
 * source pixel outside it keeps its exact bytes, so chained edits never degrade untouched areas.
 */
import { correctDrift } from '../fullres/alignment';
import { changedAreaMask, regionMask } from '../fullres/changed-mask';
import type { Mask } from '../fullres/changed-mask';
import { pasteBack } from '../fullres/paste-back';
import { mapBetween, sourceRectToWorking } from '../fullres/working-map';
import type { Rect } from '../fullres/working-map';
import type { PasteBackRecipe, Region } from './edit-vocabulary';
import type { RgbImage } from './load-image';
import { regionCoverage } from './region-mask';

export type PasteOntoSource = Readonly<{ image: RgbImage; recipe: PasteBackRecipe }>;

/**
 * `source` (full resolution), `sourceAtOutput` (the source resized to the model's output size, as the
 * model saw it) and `output` (the decoded result) → the source with the edit pasted in. `feather` is in
 * source pixels, as the request's.
 */
export async function pasteOntoSource(
  source: RgbImage,
  sourceAtOutput: RgbImage,
  output: RgbImage,
  region: Region | undefined,
  feather: number,
): Promise<PasteOntoSource> {
  const map = mapBetween(source, output);
  const fixed = correctDrift(sourceAtOutput, output);
  let mask: Mask;
  if (region) {
    const within = (m: Mask) => zeroOutside(m, fixed.valid);
    const workingFeather = feather / Math.max(map.scaleX, map.scaleY);
    const shape =
      region.kind === 'box'
        ? sourceRectToWorking(map, region)
        : await regionCoverage(region, output.width, output.height);
    mask = within(regionMask(output.width, output.height, shape, workingFeather));
  } else {
    mask = changedAreaMask(sourceAtOutput, fixed.image, { within: fixed.valid });
  }
  const pasted = pasteBack(source, fixed.image, mask, map);
  // The working-size mask, upscaled, reaches a fraction of a working pixel past the user's region: the
  // region is a promise at source resolution, so its outside gets the source's bytes back.
  if (region && pasted.rect) await restoreOutside(pasted.image, source, region, pasted.rect);
  const e = fixed.estimate;
  return {
    image: pasted.image,
    recipe: {
      map: { working: map.working, source: map.source, scaleX: map.scaleX, scaleY: map.scaleY },
      alignment: {
        scale: e.scale,
        tx: e.tx,
        ty: e.ty,
        drift: e.drift,
        confidence: e.confidence,
        corrected: fixed.corrected,
      },
      mask: region ? 'region' : 'changed-area',
      changedRect: pasted.rect,
    },
  };
}

function zeroOutside(mask: Mask, r: Rect): Mask {
  const { width: w, height: h, alpha } = mask;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (x < r.x || x >= r.x + r.width || y < r.y || y >= r.y + r.height) alpha[y * w + x] = 0;
  return mask;
}

/** Copies the source's bytes back wherever the region does not cover a source pixel (within `rect`). */
async function restoreOutside(image: RgbImage, source: RgbImage, region: Region, rect: Rect): Promise<void> {
  const coverage = await regionCoverage(region, source.width, source.height);
  const W = source.width;
  for (let y = rect.y; y < rect.y + rect.height; y++)
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * W + x;
      if (coverage.alpha[i]! > 0) continue;
      image.rgb.set(source.rgb.subarray(i * 3, i * 3 + 3), i * 3);
    }
}
