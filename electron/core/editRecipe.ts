/**
 * The one mapping between an edit's three forms: the pipeline's request and recipe, the UI's settings, and
 * the project `Recipe` a version stores (what `version:replay` re-runs). Where the names differ (the
 * pipeline's `hashes` are the project's model `files`; `cfg` is diffusers' `true_cfg_scale` everywhere), it
 * is said here once.
 */
import sharp from 'sharp';
import type { EditRequest, LoraChoice } from '../../native-models/src';
import type { EditRegion, EditSettings, EngineEditResult } from '../shared/contract';
import { EDIT_LIMITS } from '../shared/editVocabulary';
import type { PasteBackRecipe } from '../shared/editVocabulary';
import type { BlobRef, Recipe, RecipeInput } from '../shared/projectSchemas';

/**
 * The project recipe of a finished edit; `mask` is the blob the region's mask PNG is stored as. The reference
 * images go in as blobs beside it (Project.addVersion); `loraIds` are the library ids the settings picked,
 * in the order the pipeline's recipe lists the LoRAs it fused.
 */
export function projectRecipe(
  { recipe, timings }: Pick<EngineEditResult, 'recipe' | 'timings'>,
  mask: BlobRef | null,
  /** The user's own words when the prompt is an accepted enhancer suggestion (the pipeline never sees them). */
  originalPrompt?: string,
  loraIds: readonly string[] = [],
): Omit<RecipeInput, 'input'> {
  const box = recipe.region?.kind === 'box' ? recipe.region : null;
  const paste = recipe.pasteBack;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  // The settings named the load-time LoRAs, in order; conversion-time ones came with the model's files.
  let picked = 0;
  const loras = (recipe.loras ?? []).map((l) => ({
    id: (l.fused === 'load' ? loraIds[picked++] : undefined) ?? l.name,
    ...l,
  }));
  return {
    ...(loras.length > 0 ? { loras } : {}),
    model: { id: recipe.model.id, files: { ...recipe.model.hashes } },
    prompt: recipe.prompt,
    ...(originalPrompt !== undefined ? { originalPrompt } : {}),
    negativePrompt: recipe.negativePrompt ?? '',
    seed: recipe.seed,
    cfg: recipe.cfg,
    steps: recipe.steps,
    // The image the version holds: the source's size when pasted back, else the model's output.
    sizes: { input: recipe.inputSize, output: paste ? paste.map.source : recipe.outputSize },
    region: mask ? { mask, feather: recipe.feather } : null,
    options: {
      precision: recipe.model.precision,
      provider: recipe.provider,
      memoryPolicy: recipe.memoryPolicy,
      workingWidth: recipe.workingSize.width,
      workingHeight: recipe.workingSize.height,
      requestedWidth: recipe.requestedSize.width,
      requestedHeight: recipe.requestedSize.height,
      feather: recipe.feather,
      regionBox: box ? `${box.x},${box.y},${box.width},${box.height}` : null,
      outputMode: recipe.outputMode,
      area: recipe.area,
      ...(paste ? pasteBackOptions(paste) : {}),
      ...(recipe.variant ? { variant: recipe.variant } : {}),
      ...(recipe.schedulerPreset ? { schedulerPreset: recipe.schedulerPreset } : {}),
      ...(recipe.imageProcessor ? { imageProcessor: recipe.imageProcessor } : {}),
    },
    timings: {
      total: timings.total,
      vision: timings.vision,
      text: timings.text,
      vaeEncode: timings.vaeEncode,
      vaeDecode: timings.vaeDecode,
      transformer: sum(timings.transformerPerStep),
    },
  };
}

/**
 * The paste-back's record as flat recipe options: the exact working↔source scale per axis, the model's
 * drift (zoom about the centre, shift in working pixels) and whether it was undone, the recomputed area.
 */
function pasteBackOptions(p: PasteBackRecipe): Recipe['options'] {
  const r = p.changedRect;
  return {
    workingToSourceX: p.map.scaleX,
    workingToSourceY: p.map.scaleY,
    driftScale: p.alignment.scale,
    driftTx: p.alignment.tx,
    driftTy: p.alignment.ty,
    driftPixels: p.alignment.drift,
    driftConfidence: p.alignment.confidence,
    driftCorrected: p.alignment.corrected,
    pasteMask: p.mask,
    changedRect: r ? `${r.x},${r.y},${r.width},${r.height}` : null,
  };
}

/**
 * The settings that made a version, back from its recipe (the inverse of projectRecipe), with its region
 * mask's and reference images' bytes.
 */
export function settingsFromRecipe(
  recipe: Recipe,
  mask: Uint8Array | null,
  references: readonly Uint8Array[] = [],
): EditSettings {
  const { requestedWidth: w, requestedHeight: h, feather, outputMode, area } = recipe.options;
  const { schedulerPreset, imageProcessor } = recipe.options;
  // A model with LoRAs fused at conversion has them in its files; only load-time ones are settings.
  const loadTime = (recipe.loras ?? []).filter((l) => l.fused === 'load');
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
    // Versions made before paste-back existed returned the model's whole output.
    outputMode: outputMode === 'source' ? 'source' : 'whole',
    ...(typeof area === 'number' && area !== EDIT_LIMITS.area.default ? { area } : {}),
    ...(references.length > 0 ? { references: references.map((r) => new Uint8Array(r)) } : {}),
    ...(loadTime.length > 0
      ? { loras: loadTime.map(({ id, strength, sha256 }) => ({ id, strength, sha256 })) }
      : {}),
    ...(schedulerPreset === 'lightning' ? { schedulerPreset } : {}),
    // Versions made before the fast processor existed ran the Pillow (slow) one.
    imageProcessor: imageProcessor === 'fast' ? 'fast' : 'slow',
  };
}

/**
 * The pipeline request for settings: an explicit size sets the model's output size only (the reference keeps
 * upstream's working size, as the CLI's --size). `loras` are the settings' LoRAs resolved to their files.
 */
export function editRequest(
  image: Uint8Array,
  s: EditSettings,
  loras: readonly LoraChoice[] = [],
): EditRequest {
  return {
    image,
    prompt: s.prompt,
    negativePrompt: s.negativePrompt,
    seed: s.seed,
    cfg: s.cfg,
    steps: s.steps,
    feather: s.feather,
    ...(s.size ?? {}),
    ...(s.area !== undefined ? { area: s.area } : {}),
    ...(s.outputMode ? { outputMode: s.outputMode } : {}),
    ...(s.region
      ? { region: s.region.kind === 'box' ? s.region : { kind: 'mask' as const, image: s.region.png } }
      : {}),
    ...(s.references?.length ? { references: s.references } : {}),
    ...(loras.length > 0 ? { loras } : {}),
    ...(s.schedulerPreset ? { schedulerPreset: s.schedulerPreset } : {}),
    ...(s.imageProcessor ? { imageProcessor: s.imageProcessor } : {}),
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
