/**
 * The region a version's edit ran with, for "Use these settings" (issue 13 §3): a box comes back as the box
 * (from the recipe's `regionBox`), any other region as its stored mask; moved to the size shown now.
 */
import type { Recipe } from '../../../electron/shared/projectSchemas';
import { EMPTY_REGION, scaleRegion, type RegionState } from '../state/regionSlice';

type Size = { width: number; height: number };

/** `'mask'`: the region is only in the stored mask image (fetch it); otherwise the region itself. */
export function regionFromRecipe(
  recipe: Recipe,
  drawnOn: Size | null,
  shown: Size | null,
): RegionState | 'mask' {
  if (!recipe.region) return EMPTY_REGION;
  const box = parseBox(recipe.options.regionBox);
  if (!box) return 'mask';
  const region: RegionState = { box, strokes: [] };
  if (!drawnOn || !shown || (drawnOn.width === shown.width && drawnOn.height === shown.height)) return region;
  return scaleRegion(region, shown.width / drawnOn.width, shown.height / drawnOn.height);
}

function parseBox(value: unknown): RegionState['box'] {
  if (typeof value !== 'string') return null;
  const parts = value.split(',').map(Number);
  if (parts.length !== 4 || !parts.every(Number.isFinite)) return null;
  const [x, y, width, height] = parts as [number, number, number, number];
  return width > 0 && height > 0 && x >= 0 && y >= 0 ? { x, y, width, height } : null;
}
