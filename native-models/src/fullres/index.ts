/**
 * Full-resolution editing without drift (issue 12 §1): the working-size mapping, the drift estimator and
 * its correction, the changed-area mask and the paste-back onto the full-resolution source.
 */
export { correctDrift, estimateAlignment, shouldCorrect } from './alignment';
export type { AlignmentEstimate, AlignmentOptions, CorrectionOptions } from './alignment';
export {
  CHANGED_AREA_DEFAULTS,
  changedAreaMask,
  differenceMap,
  maskBounds,
  regionMask,
} from './changed-mask';
export type { ChangedAreaOptions, Mask } from './changed-mask';
export { pasteBack } from './paste-back';
export type { PasteBackOptions, PasteBackResult } from './paste-back';
export { resampleRegion } from './resample';
export type { Kernel, Plane } from './resample';
export {
  applySimilarity,
  IDENTITY,
  maxDisplacement,
  transformDistance,
  warpBySimilarity,
} from './similarity';
export type { Similarity } from './similarity';
export {
  assertExactReferenceLatent,
  mapBetween,
  PATCH_FACTOR,
  sourceRectToWorking,
  sourceToWorking,
  VAE_FACTOR,
  workingMap,
  workingRectToSource,
  workingToSource,
} from './working-map';
export type { Rect, WorkingMap } from './working-map';
