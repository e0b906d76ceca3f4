import { describe, expect, it } from 'vitest';
import { editSettingsSchema, MAX_IMAGE_BYTES } from './contract';
import { EDIT_LIMITS } from './editVocabulary';

const base = {
  prompt: 'Picture 1 wears the hat of Picture 2',
  negativePrompt: ' ',
  seed: 1,
  cfg: 1,
  steps: 4,
  size: null,
  region: null,
  feather: 0,
};
/** Bytes that claim `length` without allocating it: the schema only reads the length. */
const claiming = (length: number) => Object.defineProperty(new Uint8Array(4), 'length', { value: length });

describe('edit settings: pictures and LoRAs', () => {
  it('accepts references, LoRAs by library id and the Lightning preset', () => {
    const parsed = editSettingsSchema.parse({
      ...base,
      references: [new Uint8Array([1]), new Uint8Array([2])],
      loras: [{ id: 'file:l4.safetensors', strength: 0.75 }],
      schedulerPreset: 'lightning',
      imageProcessor: 'slow',
    });
    expect(parsed.references).toHaveLength(2);
  });

  it('refuses more pictures than the limit, pictures together over one image’s size, and bad LoRA strengths', () => {
    const tooMany = Array.from({ length: EDIT_LIMITS.references.max + 1 }, () => new Uint8Array(1));
    expect(editSettingsSchema.safeParse({ ...base, references: tooMany }).success).toBe(false);
    const half = Math.floor(MAX_IMAGE_BYTES / 2) + 1;
    const big = editSettingsSchema.safeParse({ ...base, references: [claiming(half), claiming(half)] });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0]?.message).toMatch(/the pictures together are larger than 200 MB/);
    const strength = EDIT_LIMITS.loraStrength.max + 1;
    expect(editSettingsSchema.safeParse({ ...base, loras: [{ id: 'x', strength }] }).success).toBe(false);
    expect(editSettingsSchema.safeParse({ ...base, imageProcessor: 'pillow' }).success).toBe(false);
  });
});
