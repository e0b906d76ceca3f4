/** Turns the store's controls and region into the `edit:run` settings the contract accepts. */
import type { EditRegion, EditSettings } from '../../../electron/shared/contract';
import { DEFAULT_NEGATIVE_PROMPT } from '../../../electron/shared/editVocabulary';
import type { AppState } from '../state/appStore';
import { selectIsDemoModel } from '../state/engineSlice';
import { DEMO_AREA, resolveOutputSize, type PixelSize } from '../state/paramsSlice';
import { selectSchedulerPreset } from '../state/lorasSlice';
import { hasRegion, needsMaskImage, type RegionState } from '../state/regionSlice';

/** Draws a region as a mask PNG (white = editable) at the image's size; the page does it on a canvas. */
export type MaskRasterizer = (region: RegionState, size: PixelSize) => Promise<Uint8Array>;

export async function buildSettings(
  s: AppState,
  source: PixelSize | null,
  rasterize: MaskRasterizer,
  override?: { prompt?: string; region?: RegionState },
): Promise<EditSettings> {
  const region = override?.region ?? s.region;
  let editRegion: EditRegion | null = null;
  if (hasRegion(region) && source) {
    editRegion =
      region.box && !needsMaskImage(region)
        ? { kind: 'box', ...region.box }
        : { kind: 'mask', png: await rasterize(region, source) };
  }
  const prompt = override?.prompt ?? s.prompt;
  // Upstream's 1 MP reference costs seconds per step with the demo model on CPU; its edits are noise anyway.
  const area = s.workingArea ?? (selectIsDemoModel(s) ? DEMO_AREA : null);
  const loras = s.loras.filter((l) => l.enabled).map((l) => ({ id: l.id, strength: l.strength }));
  return {
    prompt,
    // Both texts go to the recipe when the prompt is an accepted enhancement.
    ...(s.originalPrompt !== null && s.originalPrompt.trim() !== prompt.trim()
      ? { originalPrompt: s.originalPrompt }
      : {}),
    negativePrompt: s.negativePrompt.trim() ? s.negativePrompt : DEFAULT_NEGATIVE_PROMPT,
    seed: s.seed,
    cfg: s.cfg,
    steps: s.steps,
    size: resolveOutputSize(s.sizeMode, s.customSize, source, selectIsDemoModel(s)),
    region: editRegion,
    feather: editRegion ? s.feather : 0,
    outputMode: s.sizeMode === 'source' ? 'source' : 'whole',
    ...(area !== null ? { area } : {}),
    ...(s.references.length > 0 ? { references: s.references.map((r) => r.bytes) } : {}),
    ...(loras.length > 0 ? { loras } : {}),
    ...(selectSchedulerPreset(s) === 'lightning' ? { schedulerPreset: 'lightning' as const } : {}),
    ...(s.imageProcessor ? { imageProcessor: s.imageProcessor } : {}),
  };
}
