/**
 * The recipe and lineage of a version, embedded in exported PNGs as JSON in an iTXt chunk, and read back
 * from a PNG the user drops in (to restore its parameters).
 */
import { ProjectError } from './errors';
import { isPng, PngFormatError, readITxt, withITxt } from './pngChunks';
import { embeddedRecipeSchema } from './schemas';
import type { EmbeddedRecipe } from './schemas';

/** The iTXt keyword the app writes and looks for. */
export const RECIPE_KEYWORD = 'qwen-edit-studio';

export function embedRecipe(png: Uint8Array, embedded: EmbeddedRecipe): Buffer {
  return withITxt(png, RECIPE_KEYWORD, JSON.stringify(embedded));
}

/**
 * The recipe embedded in an image by this app, or null when the image is not a PNG or carries none.
 * Throws INVALID_IMAGE for a PNG whose chunks are damaged, and INVALID_ARGUMENT for an embedded record
 * that is not valid.
 */
export function readEmbeddedRecipe(bytes: Uint8Array): EmbeddedRecipe | null {
  if (!isPng(bytes)) return null;
  let text: string | null;
  try {
    text = readITxt(bytes, RECIPE_KEYWORD);
  } catch (error) {
    if (error instanceof PngFormatError)
      throw new ProjectError('INVALID_IMAGE', `The PNG is damaged (${error.message}).`);
    throw error;
  }
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProjectError('INVALID_ARGUMENT', 'The recipe embedded in this PNG is not valid JSON.');
  }
  const result = embeddedRecipeSchema.safeParse(parsed);
  if (!result.success) {
    throw new ProjectError(
      'INVALID_ARGUMENT',
      `The recipe embedded in this PNG is not valid (${result.error.issues[0]?.message}).`,
    );
  }
  return result.data;
}
