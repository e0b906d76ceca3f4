/**
 * The text generator on a version's pixels: read the text in the text tool's box (OCR, to pick the text to
 * replace) and describe a version (alt text, names, search). Answers stream in through `onText`.
 */
import type { Decoded, EditorContext } from './editorContext';
import { textTaskRunner } from './textTaskRunner';
import type { TextOutcome } from './textTaskRunner';

export function createCaptionActions<T extends Decoded>(ctx: EditorContext<T>) {
  const reader = textTaskRunner(ctx, 'ocr', "Couldn't read the text");
  const describer = textTaskRunner(ctx, 'describe', "Couldn't describe the version");
  return {
    /** Lists the text lines in the text tool's box on the viewed version (the whole image without a box). */
    async readText(onText: (delta: string) => void): Promise<TextOutcome> {
      const versionId = ctx.s.viewedId ?? ctx.s.project?.head;
      if (!versionId) return { ok: false, cancelled: false };
      const box = ctx.s.text.box;
      const region = box && {
        x: Math.max(0, Math.round(box.x)),
        y: Math.max(0, Math.round(box.y)),
        width: Math.max(1, Math.round(box.width)),
        height: Math.max(1, Math.round(box.height)),
      };
      return reader.run({ versionId, ...(region ? { region } : {}) }, onText);
    },
    async cancelReadText(): Promise<void> {
      await reader.cancel();
    },

    /** A caption of version `versionId`. */
    async describeVersion(versionId: string, onText: (delta: string) => void): Promise<TextOutcome> {
      return describer.run({ versionId }, onText);
    },
    async cancelDescribe(): Promise<void> {
      await describer.cancel();
    },
  };
}
