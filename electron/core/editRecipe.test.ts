import { describe, expect, it } from 'vitest';
import type { EngineEditResult } from '../shared/contract';
import { recipeSchema } from '../shared/projectSchemas';
import { editRequest, projectRecipe, settingsFromRecipe } from './editRecipe';

const SHA = 'a'.repeat(64);
const engineRecipe: EngineEditResult['recipe'] = {
  model: { id: 'tiny', precision: 'fp32', hashes: { 'model.json': SHA } },
  imageSha256: SHA,
  prompt: 'Picture 1 wears the hat of Picture 2',
  negativePrompt: ' ',
  seed: 3,
  cfg: 1,
  cfgActive: false,
  steps: 4,
  area: 64 * 64,
  requestedSize: { width: null, height: null },
  inputSize: { width: 64, height: 64 },
  workingSize: { width: 64, height: 64 },
  outputSize: { width: 64, height: 64 },
  region: null,
  feather: 0,
  outputMode: 'whole',
  pasteBack: null,
  provider: 'cpu',
  memoryPolicy: 'resident',
  noise: 'torch.randn float32 CPU',
  scheduler: 'FlowMatchEulerDiscrete',
  variant: 'edit-2511',
  referenceSha256: [SHA],
  loras: [
    { name: 'house-style.safetensors', sha256: 'b'.repeat(64), strength: 1, fused: 'conversion' },
    { name: 'Lightning-4steps.safetensors', sha256: SHA, strength: 0.8, fused: 'load' },
  ],
  schedulerPreset: 'lightning',
  imageProcessor: 'fast',
};
const timings = {
  load: 0,
  vision: 0,
  text: 0,
  vaeEncode: 0,
  vaeDecode: 0,
  finish: 0,
  total: 1,
  transformerPerStep: [],
  hostPerStep: [],
  previewPerStep: [],
};

describe('issue 11 fields between the pipeline recipe, the project recipe and the settings', () => {
  it('keeps the LoRAs (library id, sha256, strength; conversion-time ones stay with the model), the scheduler preset and the processor path for replay', () => {
    const input = projectRecipe({ recipe: engineRecipe, timings }, null, undefined, ['file:L4.safetensors']);
    const stored = recipeSchema.parse({ ...input, input: `${SHA}.png` });
    expect(stored.loras).toEqual([
      {
        id: 'house-style.safetensors',
        name: 'house-style.safetensors',
        sha256: 'b'.repeat(64),
        strength: 1,
        fused: 'conversion',
      },
      {
        id: 'file:L4.safetensors',
        name: 'Lightning-4steps.safetensors',
        sha256: SHA,
        strength: 0.8,
        fused: 'load',
      },
    ]);
    expect(stored.options).toMatchObject({
      variant: 'edit-2511',
      schedulerPreset: 'lightning',
      imageProcessor: 'fast',
    });
    const reference = new Uint8Array([1, 2, 3]);
    const settings = settingsFromRecipe(stored, null, [reference]);
    expect(settings).toMatchObject({
      loras: [{ id: 'file:L4.safetensors', strength: 0.8, sha256: SHA }],
      schedulerPreset: 'lightning',
      imageProcessor: 'fast',
      references: [reference],
    });
    const request = editRequest(new Uint8Array([9]), settings, [
      { path: '/lib/L4.safetensors', strength: 0.8 },
    ]);
    expect(request).toMatchObject({
      references: [reference],
      loras: [{ path: '/lib/L4.safetensors', strength: 0.8 }],
      schedulerPreset: 'lightning',
      imageProcessor: 'fast',
    });
  });

  it('replays a recipe written before the fast processor existed with the Pillow (slow) one', () => {
    const { imageProcessor: _p, variant: _v, loras: _l, schedulerPreset: _s, ...before } = engineRecipe;
    const stored = recipeSchema.parse({
      ...projectRecipe({ recipe: before, timings }, null),
      input: `${SHA}.png`,
    });
    const settings = settingsFromRecipe(stored, null);
    expect(settings.imageProcessor).toBe('slow');
    expect(settings).not.toHaveProperty('loras');
    expect(settings).not.toHaveProperty('references');
    expect(settings).not.toHaveProperty('schedulerPreset');
  });
});
