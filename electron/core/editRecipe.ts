/**
 * Between the UI's edit settings and a version's recipe, both ways: what an edit stores so that it can be
 * reproduced exactly (`version:replay`), and the settings a stored recipe stands for.
 */
import sharp from 'sharp';
import type { EditRegion, EditSettings, EngineEditResult } from '../shared/contract';
import type { Recipe } from '../shared/projectSchemas';

/** The recipe an edit stores (mask blob filled in by Project.addVersion). */
export function toRecipe(
  settings: EditSettings,
  result: EngineEditResult,
  input: { width: number; height: number },
) {
  const box = settings.region?.kind === 'box' ? settings.region : null;
  return {
    model: { id: result.model.id, files: result.model.files },
    prompt: settings.prompt,
    ...(settings.originalPrompt !== undefined ? { originalPrompt: settings.originalPrompt } : {}),
    negativePrompt: settings.negativePrompt,
    seed: settings.seed,
    cfg: settings.cfg,
    steps: settings.steps,
    sizes: {
      input: { width: input.width, height: input.height },
      output: { width: result.width, height: result.height },
    },
    // Project.addVersion stores the mask PNG and puts its blob name here in place of the placeholder.
    region: settings.region ? { mask: `${'0'.repeat(64)}.png`, feather: settings.feather } : null,
    options: {
      precision: result.model.precision,
      provider: result.provider,
      memoryPolicy: result.memoryPolicy,
      workingWidth: result.workingSize.width,
      workingHeight: result.workingSize.height,
      requestedWidth: settings.size?.width ?? null,
      requestedHeight: settings.size?.height ?? null,
      feather: settings.feather,
      regionBox: box ? `${box.x},${box.y},${box.width},${box.height}` : null,
    },
    timings: Object.fromEntries(Object.entries(result.timings).filter(([, v]) => v >= 0)),
  };
}

/** The settings that made a version, back from its recipe (the inverse of toRecipe). */
export function settingsFromRecipe(recipe: Recipe, mask: Uint8Array | null): EditSettings {
  const { requestedWidth: w, requestedHeight: h, feather } = recipe.options;
  return {
    prompt: recipe.prompt,
    ...(recipe.originalPrompt !== undefined ? { originalPrompt: recipe.originalPrompt } : {}),
    negativePrompt: recipe.negativePrompt,
    seed: recipe.seed,
    cfg: recipe.cfg,
    steps: recipe.steps,
    size: typeof w === 'number' && typeof h === 'number' ? { width: w, height: h } : null,
    region: recipe.region && mask ? { kind: 'mask', png: new Uint8Array(mask) } : null,
    feather: recipe.region?.feather ?? (typeof feather === 'number' ? feather : 0),
  };
}

/** Every region is stored as a mask PNG at the input's size (white = editable), so a recipe has one form. */
export async function regionMaskPng(
  region: EditRegion,
  size: { width: number; height: number },
): Promise<Uint8Array> {
  if (region.kind === 'mask') return region.png;
  const x = Math.max(0, Math.min(size.width - 1, Math.floor(region.x)));
  const y = Math.max(0, Math.min(size.height - 1, Math.floor(region.y)));
  const w = Math.max(1, Math.min(size.width - x, Math.ceil(region.x + region.width) - x));
  const h = Math.max(1, Math.min(size.height - y, Math.ceil(region.y + region.height) - y));
  const white = await sharp({
    create: { width: w, height: h, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .raw()
    .toBuffer();
  const png = await sharp({
    create: { width: size.width, height: size.height, channels: 3, background: { r: 0, g: 0, b: 0 } },
  })
    .composite([{ input: white, raw: { width: w, height: h, channels: 3 }, left: x, top: y }])
    .greyscale()
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
