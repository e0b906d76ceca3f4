/**
 * The mapping between an edit's forms, end to end on real components: a run's pipeline recipe → the project
 * recipe → the UI's controls (applyRecipe) → its settings (buildSettings) → the contract → the pipeline
 * request → a second run, which must report the same recipe and bytes. Values at the edges of the shared
 * limits travel every hop, so a layer with its own narrower range would break the trip.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../native-models/src/tiny/demo-model';
import { EditPipeline } from '../native-models/src/pipeline/edit-pipeline';
import { EditRequestError, validateEditRequest } from '../native-models/src/pipeline/edit-request';
import type { EditModel } from '../native-models/src/pipeline/edit-model';
import { openEditModel } from '../native-models/src/pipeline/ort-edit-model';
import { buildSettings } from '../renderer/src/actions/buildSettings';
import { createAppStore } from '../renderer/src/state/appStore';
import type { EditSettings } from '../electron/shared/contract';
import { editSettingsSchema, engineEditResultSchema } from '../electron/shared/contract';
import { EDIT_LIMITS } from '../electron/shared/editVocabulary';
import { recipeSchema } from '../electron/shared/projectSchemas';
import { editRequest, projectRecipe, settingsFromRecipe } from '../electron/core/editRecipe';

const L = EDIT_LIMITS;
let model: EditModel;
let pipeline: EditPipeline;
let png: Uint8Array;

beforeAll(async () => {
  model = await openEditModel(await ensureDemoModel(0), { provider: 'cpu', threads: 1 });
  pipeline = new EditPipeline(model);
  const gradient = Buffer.alloc(80 * 60 * 3, 0).map((_, i) => (i * 7) % 256);
  png = new Uint8Array(
    await sharp(gradient, { raw: { width: 80, height: 60, channels: 3 } })
      .png()
      .toBuffer(),
  );
});

afterAll(async () => {
  await model?.close();
});

// What the UI sends for a run without a region, at the top of every range.
const first: EditSettings = {
  prompt: 'make it red',
  negativePrompt: ' ',
  seed: L.seed.max,
  cfg: L.cfg.max,
  steps: 2,
  size: { width: 64, height: 48 },
  region: null,
  feather: 0,
  // The smallest working area keeps the tiny model quick (upstream's 1024² is the default).
  area: L.area.min,
};

describe('the edit recipe mapping', () => {
  it('round-trips: pipeline recipe → project recipe → UI settings → request → the same pipeline recipe', async () => {
    const run1 = await pipeline.edit(editRequest(png, first));
    if (run1.status !== 'done') throw new Error('the first run did not finish');
    const engine = engineEditResultSchema.parse({ ...run1, png: new Uint8Array(run1.png) });
    const recipe = recipeSchema.parse({ ...projectRecipe(engine, null), input: `${'a'.repeat(64)}.png` });
    expect(recipe).toMatchObject({ cfg: L.cfg.max, seed: L.seed.max, steps: 2, negativePrompt: ' ' });

    const store = createAppStore();
    store.getState().applyRecipe(recipe);
    const settings = editSettingsSchema.parse(
      await buildSettings(store.getState(), recipe.sizes.input, () => Promise.reject(new Error('no region'))),
    );
    // The UI's "use these settings" and main's replay read a recipe the same way.
    expect(settings).toEqual(settingsFromRecipe(recipe, null));

    const run2 = await pipeline.edit(editRequest(png, settings));
    if (run2.status !== 'done') throw new Error('the second run did not finish');
    expect(run2.recipe).toEqual(run1.recipe);
    expect(Buffer.compare(run2.png, run1.png)).toBe(0);
  });

  it('stops every field at the same edge in the UI, the contract and the pipeline', () => {
    const store = createAppStore();
    const ui = store.getState();
    ui.setCfg(L.cfg.max + 1);
    ui.setSteps(L.steps.max + 1);
    ui.setSeed(L.seed.max + 1);
    expect(store.getState()).toMatchObject({ cfg: L.cfg.max, steps: L.steps.max, seed: L.seed.max });
    for (const over of [{ cfg: L.cfg.max + 0.1 }, { steps: L.steps.max + 1 }, { seed: L.seed.max + 1 }]) {
      expect(editSettingsSchema.safeParse({ ...first, ...over }).success, JSON.stringify(over)).toBe(false);
      expect(() => validateEditRequest(editRequest(png, { ...first, ...over }), () => 0)).toThrow(
        EditRequestError,
      );
    }
  });
});
