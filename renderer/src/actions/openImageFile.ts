/**
 * Opening an image: the app side inspects the bytes first (format by content, size limits, a full decode
 * that catches truncation), then makes a project of it (the image is its root version), and only then does
 * the page decode and show it. An exported PNG that carries a recipe restores its settings into the controls.
 * Every failure becomes a readable notice; the image already open stays.
 */
import { MAX_IMAGE_BYTES } from '../../../electron/shared/contract';
import type { ContractClient } from '../../../electron/shared/client';
import type { AppStore } from '../state/appStore';
import type { Decoded } from './editorContext';
import type { ViewActions } from './viewActions';

/** The formats the app opens; the file picker offers these and the app side checks the bytes. */
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

export type OpenableFile = { name: string; size: number; arrayBuffer(): Promise<ArrayBuffer> };

export type OpenImageDeps<T extends Decoded> = {
  client: Pick<ContractClient, 'request'>;
  store: AppStore;
  editor: Pick<ViewActions<T>, 'showProject'>;
  /** Decodes checked bytes (the page's `createImageBitmap` in the app). */
  decode(bytes: Uint8Array, mimeType: string): Promise<T>;
};

export type ImageOpener = (file: OpenableFile) => Promise<boolean>;

/** Returns an opener; when opens overlap, the last one started wins and earlier results are dropped. */
export function createImageOpener<T extends Decoded>(deps: OpenImageDeps<T>): ImageOpener {
  let latest = 0;
  const { store } = deps;
  const fail = (name: string, message: string) => {
    store.getState().pushNotice({ tone: 'error', title: `Couldn't open ${name}`, message });
    return false;
  };

  return async (file) => {
    const ticket = ++latest;
    const isCurrent = () => ticket === latest;
    store.getState().setActivity(`Opening ${file.name}…`);
    try {
      if (file.size > MAX_IMAGE_BYTES) {
        return fail(
          file.name,
          `The file is ${Math.round(file.size / 2 ** 20)} MB; the limit is ${MAX_IMAGE_BYTES / 2 ** 20} MB.`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch (error) {
        return fail(file.name, `The file could not be read: ${describe(error)}`);
      }
      const inspected = await deps.client.request('image:inspect', { name: file.name, bytes });
      // A file that cannot be opened is reported even if another open has started since: the user asked for it.
      if (!inspected.ok) return fail(file.name, inspected.error.message || inspected.error.code);
      if (!isCurrent()) return false;
      const info = inspected.value;
      let decoded: T;
      try {
        decoded = await deps.decode(bytes, `image/${info.format}`);
      } catch (error) {
        return fail(
          file.name,
          `The browser could not decode this ${info.format.toUpperCase()}: ${describe(error)}`,
        );
      }
      const created = await deps.client.request('project:create', { name: file.name, bytes });
      if (!created.ok) {
        decoded.close();
        return fail(file.name, created.error.message || created.error.code);
      }
      if (!isCurrent()) {
        decoded.close();
        return false;
      }
      await deps.editor.showProject(created.value, decoded, info.format);
      if (info.animatedFrames) {
        store.getState().pushNotice({
          tone: 'info',
          title: 'Animated image',
          message: `${file.name} has ${info.animatedFrames} frames; the first frame is the one opened and edited.`,
        });
      }
      if (info.format === 'png') await restoreRecipe(deps, bytes);
      return true;
    } finally {
      if (isCurrent()) store.getState().setActivity(null);
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An exported PNG carries its recipe: dropping it back in restores the settings it was made with. */
async function restoreRecipe(deps: Pick<OpenImageDeps<Decoded>, 'client' | 'store'>, bytes: Uint8Array) {
  const read = await deps.client.request('recipe:read', { bytes });
  const recipe = read.ok ? read.value.recipe?.version.recipe : null;
  if (!recipe) return;
  deps.store.getState().applyRecipe(recipe);
  deps.store.getState().pushNotice({
    tone: 'info',
    title: 'Settings restored',
    message:
      'This PNG carries the recipe it was made with; its prompt, seed and settings are in the controls.',
  });
}
