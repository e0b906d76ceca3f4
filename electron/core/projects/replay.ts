/**
 * Re-running a version's recipe. The pipeline provides the runner; the project supplies the recipe and its
 * input images and checks the result against the stored one.
 */
import { blobRefOf } from './blobStore';
import { ProjectError } from './errors';
import { diffImages } from './imageOps';
import type { Project } from './Project';
import type { BlobRef, Recipe } from './schemas';

export type ReplayRequest = {
  recipe: Recipe;
  /** The bytes of `recipe.input`. */
  input: Buffer;
  /** The bytes of `recipe.region.mask`, or null. */
  mask: Buffer | null;
  /** The bytes of each of `recipe.references` ("Picture 2" onwards); absent when it has none. */
  references?: Buffer[];
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

/**
 * Re-runs version `id`'s recipe with `runner` and compares the result with the stored image. The replayed
 * image is not added to the project.
 */
export async function replayVersion(project: Project, id: string, runner: EditRunner): Promise<ReplayReport> {
  const node = project.getVersion(id);
  if (!node.recipe)
    throw new ProjectError('INVALID_ARGUMENT', `Version ${id} is an import; it has no recipe to replay.`);
  const input = await project.readBlob(node.recipe.input);
  const mask = node.recipe.region ? await project.readBlob(node.recipe.region.mask) : null;
  const references = await Promise.all((node.recipe.references ?? []).map((r) => project.readBlob(r.blob)));
  const recipe = structuredClone(node.recipe);
  const result = Buffer.from(await runner.run({ recipe, input, mask, references }));
  const actual = blobRefOf(result, 'png');
  const identical = actual === node.image.blob;
  let changedFraction = 0;
  if (!identical) {
    const stored = await project.readImage(id);
    changedFraction = await diffImages(stored, result).then(
      (d) => d.changedFraction,
      (error: unknown) => {
        if (error instanceof ProjectError && error.code === 'SIZE_MISMATCH') return 1;
        throw error;
      },
    );
  }
  return {
    versionId: id,
    expected: node.image.blob,
    actual,
    identical,
    pixelsIdentical: changedFraction === 0,
    changedFraction,
  };
}
