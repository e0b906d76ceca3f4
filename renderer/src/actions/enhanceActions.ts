/**
 * The prompt enhancer: asks the model's own language model (offline) to rewrite the instruction for the viewed
 * version's image; the suggestion streams in through `onText` and is only a suggestion until accepted.
 */
import type { TextResult } from '../../../electron/shared/contract';
import type { Decoded, EditorContext } from './editorContext';

export type EnhanceOutcome = { ok: true; result: TextResult } | { ok: false; cancelled: boolean };

export function createEnhanceActions<T extends Decoded>(ctx: EditorContext<T>) {
  const { d } = ctx;
  let counter = 0;
  let running: string | null = null;
  return {
    /** Streams an enhanced instruction for `instruction` and the viewed image. */
    async enhance(instruction: string, onText: (delta: string) => void): Promise<EnhanceOutcome> {
      const project = ctx.s.project;
      const versionId = ctx.s.viewedId ?? project?.head;
      if (!project || !versionId || running || !instruction.trim()) return { ok: false, cancelled: false };
      const jobId = `enhance-${Date.now().toString(36)}-${++counter}`;
      running = jobId;
      const off = d.client.on('text:delta', (e) => {
        if (e.jobId === jobId) onText(e.delta);
      });
      try {
        const answer = await d.client.request('text:generate', {
          jobId,
          projectId: project.projectId,
          versionId,
          task: 'enhance',
          instruction,
        });
        if (!answer.ok) {
          if (answer.error.code === 'CANCELLED') return { ok: false, cancelled: true };
          ctx.fail("Couldn't enhance the instruction", answer.error);
          return { ok: false, cancelled: false };
        }
        return { ok: true, result: answer.value };
      } finally {
        off();
        running = null;
      }
    },

    /** Stops a running enhancement after the token being computed. */
    async cancelEnhance(): Promise<void> {
      if (running) await d.client.request('job:cancel', { jobId: running });
    },
  };
}
