/**
 * The prompt enhancer: asks the model's own language model (offline) to rewrite the instruction for the viewed
 * version's image; the suggestion streams in through `onText` and is only a suggestion until accepted.
 */
import type { Decoded, EditorContext } from './editorContext';
import { textTaskRunner } from './textTaskRunner';
import type { TextOutcome } from './textTaskRunner';

export type EnhanceOutcome = TextOutcome;

export function createEnhanceActions<T extends Decoded>(ctx: EditorContext<T>) {
  const runner = textTaskRunner(ctx, 'enhance', "Couldn't enhance the instruction");
  return {
    /** Streams an enhanced instruction for `instruction` and the viewed image. */
    async enhance(instruction: string, onText: (delta: string) => void): Promise<EnhanceOutcome> {
      const versionId = ctx.s.viewedId ?? ctx.s.project?.head;
      if (!versionId || !instruction.trim()) return { ok: false, cancelled: false };
      return runner.run({ versionId, instruction }, onText);
    },

    /** Stops a running enhancement after the token being computed. */
    async cancelEnhance(): Promise<void> {
      await runner.cancel();
    },
  };
}
