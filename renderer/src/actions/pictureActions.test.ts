import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../electron/shared/result';
import { createAppStore } from '../state/appStore';
import { testEditorContext } from '../testing/editorContext';
import { buildSettings } from './buildSettings';
import { createPictureActions } from './pictureActions';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const LORA = {
  id: 'file:l4.safetensors',
  name: 'l4',
  bytes: 9,
  lightningSteps: 4 as const,
  baseId: null,
  source: 'added' as const,
};

/** The app side over the real dispatcher: image:inspect accepts PNG signatures only; one LoRA can be added. */
function setup() {
  const library: (typeof LORA)[] = [];
  const { store, ctx } = testEditorContext({
    'image:inspect': async ({ name, bytes }) => {
      if (bytes[0] !== 0x89)
        throw new CodedError('INVALID_IMAGE', `${name} is not a PNG, JPEG or WebP image`);
      return { width: 4, height: 4, format: 'png' as const, bytes: bytes.length };
    },
    'loras:list': async () => ({ folder: '/models/loras', items: library }),
    'loras:add': async ({ name }) => {
      if (!name.endsWith('.safetensors'))
        throw new CodedError('BAD_REQUEST', `'${name}' is not a LoRA file name`);
      library.push(LORA);
      return LORA;
    },
  });
  return { store, actions: createPictureActions(ctx) };
}

describe('picture and LoRA actions', () => {
  it('adds the images the app accepts as pictures and names the refused one in a notice', async () => {
    const { store, actions } = setup();
    await actions.addReferenceFiles([
      { name: 'hat.png', bytes: PNG, type: 'image/png' },
      { name: 'notes.txt', bytes: new Uint8Array([1]), type: 'image/png' },
    ]);
    expect(store.getState().references.map((r) => [r.name, r.mime])).toEqual([['hat.png', 'image/png']]);
    expect(store.getState().notices).toEqual([
      expect.objectContaining({ tone: 'error', title: "Couldn't add notes.txt as a picture" }),
    ]);
  });

  it('adds a LoRA file to the library and to the edit; a refused one changes nothing', async () => {
    const { store, actions } = setup();
    expect(await actions.addLoraFile({ name: 'l4.ckpt', bytes: new Uint8Array(1), type: '' })).toBe(false);
    expect(store.getState().loras).toEqual([]);
    expect(await actions.addLoraFile({ name: 'l4.safetensors', bytes: new Uint8Array(1), type: '' })).toBe(
      true,
    );
    expect(store.getState().loras.map((l) => [l.id, l.strength, l.enabled])).toEqual([
      ['file:l4.safetensors', 1, true],
    ]);
    expect(store.getState()).toMatchObject({ loraFolder: '/models/loras', loraLibrary: [LORA] });
  });
  it('sends references, enabled LoRAs and the Lightning preset with an edit', async () => {
    const store = createAppStore();
    const s = store.getState();
    s.addReferences([{ id: 'a', name: 'a.png', bytes: new Uint8Array([1]), mime: 'image/png' }]);
    s.setLoraLibrary('/l', [
      { ...LORA, id: 'l4' },
      { ...LORA, id: 'style', lightningSteps: null },
    ]);
    s.addLora({ ...LORA, id: 'style', lightningSteps: null });
    s.setLoraStrength('style', 0.5);
    s.applyLightning(4);
    s.setLoraEnabled('style', false);
    const settings = await buildSettings(
      store.getState(),
      { width: 64, height: 48 },
      async () => new Uint8Array(),
    );
    expect(settings).toMatchObject({
      references: [new Uint8Array([1])],
      loras: [{ id: 'l4', strength: 1 }],
      schedulerPreset: 'lightning',
      steps: 4,
      cfg: 1,
    });
  });
});
