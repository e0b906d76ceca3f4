/** Getting a version out (a file, the clipboard) and comparing two versions (Esc leaves the comparison). */
import type { ParamsOf } from '../../../electron/shared/contract';
import type { Decoded, EditorContext } from './editorContext';
import { versionKey } from './editorContext';
import type { KeyBinding } from './keyBinding';
import type { ViewActions } from './viewActions';

/** Quality, scale, DPI, sRGB profile and file naming of a file export (the contract's optional fields). */
export type ExportOptions = Omit<ParamsOf<'version:export'>, 'projectId' | 'versionId' | 'format'>;

export function createExportActions<T extends Decoded>(ctx: EditorContext<T>, view: ViewActions<T>) {
  const { d } = ctx;
  const exportRequest = (
    projectId: string,
    versionId: string,
    format: 'png' | 'jpeg' | 'webp',
    options: ExportOptions = {},
  ) => d.client.request('version:export', { projectId, versionId, format, ...options });

  const actions = {
    async exportVersion(
      versionId: string,
      format: 'png' | 'jpeg' | 'webp',
      options: ExportOptions = {},
    ): Promise<void> {
      const project = ctx.s.project;
      if (!project) return;
      const answer = await exportRequest(project.projectId, versionId, format, options);
      if (!answer.ok)
        return ctx.fail(
          "Couldn't export",
          answer.error,
          () => void actions.exportVersion(versionId, format, options),
        );
      d.download?.(answer.value.bytes, answer.value.fileName, answer.value.mime);
    },

    async copyVersion(versionId: string): Promise<void> {
      const project = ctx.s.project;
      if (!project) return;
      const answer = await exportRequest(project.projectId, versionId, 'png');
      if (!answer.ok) return ctx.fail("Couldn't copy", answer.error);
      try {
        await d.copyImage?.(answer.value.bytes);
        ctx.s.pushNotice({ tone: 'info', title: 'Copied', message: 'The image is on the clipboard.' });
      } catch (error) {
        ctx.fail("Couldn't copy", { code: 'INTERNAL', message: (error as Error).message });
      }
    },

    /** Starts comparing two versions and asks the app side which pixels differ. */
    async compare(mode: 'slider' | 'side', a: string, b: string): Promise<void> {
      const s = ctx.s;
      const project = s.project;
      if (!project) return;
      s.startCompare(mode, a, b);
      s.setDiff(null);
      d.images.pin([a, b, s.viewedId ?? b].map((v) => versionKey(project.projectId, v)));
      await Promise.all([view.ensureImage(a), view.ensureImage(b)]);
      const answer = await d.client.request('version:diff', { projectId: project.projectId, a, b });
      if (ctx.s.compareA !== a || ctx.s.compareB !== b) return;
      if (!answer.ok) return ctx.s.setDiff(null, answer.error.message);
      const { changedFraction, width, height, maskPng } = answer.value;
      const mask = await d.decode(maskPng, 'image/png');
      d.images.put(`diff:${a}:${b}`, mask);
      ctx.s.setDiff({ a, b, changedFraction, width, height });
    },
  };
  return actions;
}

export const COMPARE_KEYS: KeyBinding<unknown>[] = [
  {
    // While an edit runs, Esc cancels it instead (RUN_KEYS).
    keyTest: (e, s) => e.key === 'Escape' && s.jobStatus !== 'running' && s.compareMode !== 'off',
    perform: (_, s) => s.stopCompare(),
    whileTyping: true,
    keepDefault: true,
  },
];
