/**
 * Reference images and LoRAs (issue 11): adding pictures (each checked by the app like any opened image),
 * bringing back a version's references, listing the LoRA library and adding a LoRA file to it.
 */
import { MAX_IMAGE_BYTES } from '../../../electron/shared/contract';
import { findVersion } from '../state/projectSlice';
import { MAX_REFERENCES, type ReferenceImage } from '../state/referencesSlice';
import type { Decoded, EditorContext } from './editorContext';

export type PictureFile = Readonly<{ name: string; bytes: Uint8Array; type: string }>;

let nextReferenceId = 0;

export function createPictureActions<T extends Decoded>(ctx: EditorContext<T>) {
  const { d } = ctx;
  return {
    /** Adds image files after the current references; a file the app refuses is named in a notice. */
    async addReferenceFiles(files: readonly PictureFile[]): Promise<void> {
      const accepted: ReferenceImage[] = [];
      let total = ctx.s.references.reduce((n, r) => n + r.bytes.length, 0);
      for (const file of files) {
        if (total + file.bytes.length > MAX_IMAGE_BYTES) {
          ctx.s.pushNotice({
            tone: 'error',
            title: `Couldn't add ${file.name} as a picture`,
            message: `An edit's pictures together may take up to ${MAX_IMAGE_BYTES / 2 ** 20} MB.`,
          });
          continue;
        }
        const checked = await d.client.request('image:inspect', { name: file.name, bytes: file.bytes });
        if (!checked.ok) {
          ctx.fail(`Couldn't add ${file.name} as a picture`, checked.error);
          continue;
        }
        const mime = `image/${checked.value.format}`;
        accepted.push({ id: `ref-${++nextReferenceId}`, name: file.name, bytes: file.bytes, mime });
        total += file.bytes.length;
      }
      const left = ctx.s.addReferences(accepted);
      if (left > 0) {
        ctx.s.pushNotice({
          tone: 'info',
          title: 'Too many pictures',
          message: `An edit takes up to ${MAX_REFERENCES} pictures beside the canvas image (upstream's quality is best with three in all); ${left} not added.`,
        });
      }
    },

    /** Puts a version's reference images back beside the canvas (with "Use these settings"). */
    async restoreReferences(versionId: string): Promise<void> {
      const s = ctx.s;
      const node = findVersion(s, versionId);
      const project = s.project;
      if (!node?.recipe || !project) return;
      const restored: ReferenceImage[] = [];
      for (const [index, ref] of (node.recipe.references ?? []).entries()) {
        const answer = await d.client.request('version:reference', {
          projectId: project.projectId,
          versionId,
          index,
          thumbnail: false,
        });
        if (!answer.ok) return ctx.fail("Couldn't restore the pictures", answer.error);
        const name = `Picture ${index + 2}.${ref.blob.split('.')[1]}`;
        restored.push({
          id: `ref-${++nextReferenceId}`,
          name,
          bytes: answer.value.bytes,
          mime: answer.value.mime,
        });
      }
      ctx.s.setReferences(restored);
    },

    /** Lists the library again; quietly false when the engine could not answer (the panel asks again later). */
    async refreshLoras(): Promise<boolean> {
      const answer = await d.client.request('loras:list', {});
      if (answer.ok) ctx.s.setLoraLibrary(answer.value.folder, answer.value.items);
      return answer.ok;
    },

    /** Adds a LoRA file to the library and to this edit. */
    async addLoraFile(file: PictureFile): Promise<boolean> {
      const answer = await d.client.request('loras:add', { name: file.name, bytes: file.bytes });
      if (!answer.ok) {
        ctx.fail(`Couldn't add ${file.name}`, answer.error);
        return false;
      }
      ctx.s.addLora(answer.value);
      const listed = await d.client.request('loras:list', {});
      if (listed.ok) ctx.s.setLoraLibrary(listed.value.folder, listed.value.items);
      return true;
    },
  };
}
