/**
 * Re-running a version's recipe. The pipeline provides the runner; the project supplies the recipe and its
 * input images and checks the result against the stored one.
 */
import type { BlobRef, Recipe } from './schemas';

export type ReplayRequest = {
  recipe: Recipe;
  /** The bytes of `recipe.input`. */
  input: Buffer;
  /** The bytes of `recipe.region.mask`, or null. */
  mask: Buffer | null;
};

/** Anything that turns a recipe into a PNG: the real pipeline, or a test double. */
export interface EditRunner {
  run(request: ReplayRequest): Promise<Uint8Array>;
}

export type ReplayReport = {
  versionId: string;
  /** The stored result. */
  expected: BlobRef;
  /** The replayed result (not stored in the project). */
  actual: BlobRef;
  /** True when the replayed PNG is byte-for-byte the stored one. */
  identical: boolean;
  /** True when the decoded pixels match, even if the encodings differ. */
  pixelsIdentical: boolean;
  /** Fraction of pixels that differ (0 when identical; 1 when sizes differ). */
  changedFraction: number;
};
