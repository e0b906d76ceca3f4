/**
 * One kind of `text:generate` job (enhance, describe, read text) at a time: streams the answer's pieces to
 * `onText` as the engine writes them, and tells a cancel apart from a failure (which shows a notice).
 */
import type { TextResult, TextTaskName } from '../../../electron/shared/contract';
import type { Decoded, EditorContext } from './editorContext';

export type TextOutcome = { ok: true; result: TextResult } | { ok: false; cancelled: boolean };

export type TextJobInput = Readonly<{
  versionId: string;
  instruction?: string;
  region?: Readonly<{ x: number; y: number; width: number; height: number }>;
}>;

export function textTaskRunner<T extends Decoded>(
  ctx: EditorContext<T>,
  task: TextTaskName,
  failTitle: string,
) {
  const { d } = ctx;
  let counter = 0;
  let running: string | null = null;
  return {
    async run(input: TextJobInput, onText: (delta: string) => void): Promise<TextOutcome> {
      const project = ctx.s.project;
      if (!project || running) return { ok: false, cancelled: false };
      const jobId = `${task}-${Date.now().toString(36)}-${++counter}`;
      running = jobId;
      const off = d.client.on('text:delta', (e) => {
        if (e.jobId === jobId) onText(e.delta);
      });
      try {
        const answer = await d.client.request('text:generate', {
          jobId,
          projectId: project.projectId,
          versionId: input.versionId,
          task,
          ...(input.instruction !== undefined ? { instruction: input.instruction } : {}),
          ...(input.region ? { region: input.region } : {}),
        });
        if (!answer.ok) {
          if (answer.error.code === 'CANCELLED') return { ok: false, cancelled: true };
          ctx.fail(failTitle, answer.error);
          return { ok: false, cancelled: false };
        }
        return { ok: true, result: answer.value };
      } finally {
        off();
        running = null;
      }
    },

    /** Stops the running job after the token being computed. */
    async cancel(): Promise<void> {
      if (running) await d.client.request('job:cancel', { jobId: running });
    },
  };
}
