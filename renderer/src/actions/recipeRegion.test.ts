import { describe, expect, it } from 'vitest';
import { recipe } from '../testing/testTree';
import { EMPTY_REGION } from '../state/regionSlice';
import { regionFromRecipe } from './recipeRegion';

const mask = { mask: `${'c'.repeat(64)}.png`, feather: 4 };

describe('regionFromRecipe', () => {
  it('gives back the box an edit ran with, moved to the size shown now', () => {
    const boxed = { ...recipe('boxed'), region: mask, options: { regionBox: '10,20,30,40' } };
    const size = { width: 64, height: 48 };
    expect(regionFromRecipe(boxed, size, size)).toEqual({
      box: { x: 10, y: 20, width: 30, height: 40 },
      strokes: [],
    });
    expect(regionFromRecipe(boxed, size, { width: 128, height: 96 })).toMatchObject({
      box: { x: 20, y: 40, width: 60, height: 80 },
    });
  });

  it('asks for the stored mask when the region was not a box, and clears the region when there was none', () => {
    const painted = { ...recipe('painted'), region: mask, options: { regionBox: null } };
    expect(regionFromRecipe(painted, null, null)).toBe('mask');
    expect(regionFromRecipe({ ...painted, options: { regionBox: '1,2,x,4' } }, null, null)).toBe('mask');
    expect(regionFromRecipe(recipe('whole'), null, null)).toBe(EMPTY_REGION);
  });
});
