import { describe, expect, it } from 'vitest';
import type { LoraItem } from '../../../electron/shared/contract';
import { recipe } from '../testing/testTree';
import { createAppStore } from './appStore';
import { loraPicksFromRecipe, selectSchedulerPreset } from './lorasSlice';
import { insertName, MAX_REFERENCES, renamePictures, type ReferenceImage } from './referencesSlice';

const ref = (id: string): ReferenceImage => ({
  id,
  name: `${id}.png`,
  bytes: new Uint8Array([id.length]),
  mime: 'image/png',
});
const item = (id: string, lightningSteps: 4 | 8 | null): LoraItem => ({
  id,
  name: id,
  bytes: 10,
  lightningSteps,
  baseId: null,
  source: 'added',
});

describe('pictures beside the canvas image', () => {
  it('inserts a picture name at the caret, spaced from its neighbours', () => {
    expect(insertName('put the hat from on him', 17, 'Picture 2')).toEqual({
      prompt: 'put the hat from Picture 2 on him',
      caret: 26,
    });
    expect(insertName('wear', 4, 'Picture 3')).toEqual({ prompt: 'wear Picture 3', caret: 14 });
    expect(insertName('', 0, 'Picture 1')).toEqual({ prompt: 'Picture 1', caret: 9 });
  });

  it('renames only whole "Picture n" names', () => {
    expect(
      renamePictures('Picture 2 beside Picture 12 and Picture 3', (n) => (n === 2 ? 3 : n === 3 ? 2 : n)),
    ).toBe('Picture 3 beside Picture 12 and Picture 2');
  });

  it('keeps the instruction meaning the same images when references move or go', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().addReferences([ref('a'), ref('b'), ref('c')])).toBe(0);
    s().setPrompt('Picture 1 holds Picture 2, Picture 3 watches Picture 4');
    s().moveReference('a', 1);
    expect(s().references.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(s().prompt).toBe('Picture 1 holds Picture 3, Picture 2 watches Picture 4');
    s().removeReference('b'); // Picture 2 goes: Picture 3 and 4 become 2 and 3
    expect(s().references.map((r) => r.id)).toEqual(['a', 'c']);
    expect(s().prompt).toBe('Picture 1 holds Picture 2, Picture 2 watches Picture 3');
    s().moveReference('a', -1); // already first: nothing changes
    expect(s().references.map((r) => r.id)).toEqual(['a', 'c']);
  });

  it(`takes at most ${MAX_REFERENCES} references and says how many did not fit`, () => {
    const store = createAppStore();
    const many = Array.from({ length: MAX_REFERENCES + 2 }, (_, i) => ref(`r${i}`));
    expect(store.getState().addReferences(many)).toBe(2);
    expect(store.getState().references).toHaveLength(MAX_REFERENCES);
  });
});

describe('LoRAs and the Lightning presets', () => {
  it('"Fast (4 steps)" turns the 4-step Lightning LoRA on (8-step off), sets 4 steps and CFG 1', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().applyLightning(4)).toBe(false);
    s().setLoraLibrary('/models/loras', [item('style', null), item('l4', 4), item('l8', 8)]);
    s().addLora(item('style', null));
    s().applyLightning(8);
    expect(s().applyLightning(4)).toBe(true);
    expect(s().loras.map((l) => [l.id, l.enabled])).toEqual([
      ['style', true],
      ['l8', false],
      ['l4', true],
    ]);
    expect([s().steps, s().cfg]).toEqual([4, 1]);
    expect(selectSchedulerPreset(s())).toBe('lightning');
    s().setLoraEnabled('l4', false);
    expect(selectSchedulerPreset(s())).toBe('default');
  });

  it('clamps strengths to the vocabulary range', () => {
    const store = createAppStore();
    store.getState().addLora(item('style', null));
    store.getState().setLoraStrength('style', 7);
    expect(store.getState().loras[0]!.strength).toBe(4);
  });

  it("restores a recipe's LoRAs, with the library's Lightning steps (or the recipe's preset)", () => {
    const r = {
      ...recipe('p'),
      steps: 8,
      options: { schedulerPreset: 'lightning' },
      loras: [
        {
          id: 'x',
          name: 'Qwen-Lightning-8steps',
          sha256: 'a'.repeat(64),
          strength: 1,
          fused: 'load' as const,
        },
      ],
    };
    expect(loraPicksFromRecipe(r, null)[0]).toMatchObject({ id: 'x', lightningSteps: 8, enabled: true });
    expect(loraPicksFromRecipe(r, [item('x', 4)])[0]!.lightningSteps).toBe(4);
    const store = createAppStore();
    store.getState().applyRecipe(r);
    expect(store.getState().loras.map((l) => l.id)).toEqual(['x']);
  });
});
