/** Re-running a version's recipe (its reference images and LoRAs included) to check it reproduces. */
import type { Decoded, EditorContext } from './editorContext';

export type ReplayOutcome = Readonly<{
  identical: boolean;
  pixelsIdentical: boolean;
  changedFraction: number;
}>;

let replayCounter = 0;

export function createReplayActions<T extends Decoded>(ctx: EditorContext<T>) {
  return {
    /** Null when the app could not replay it (the failure is a notice); the stored version never changes. */
    async replay(versionId: string): Promise<ReplayOutcome | null> {
      const project = ctx.s.project;
      if (!project) return null;
      const answer = await ctx.d.client.request('version:replay', {
        jobId: `replay-${Date.now().toString(36)}-${++replayCounter}`,
        projectId: project.projectId,
        versionId,
      });
      if (!answer.ok) {
        ctx.fail("Couldn't replay this version", answer.error);
        return null;
      }
      return answer.value;
    },
  };
}

/** What a replay found, in words. */
export function replayText(r: ReplayOutcome): string {
  if (r.identical) return 'Reproduced byte for byte';
  if (r.pixelsIdentical) return 'Same pixels, different file encoding';
  return `Differs: ${(r.changedFraction * 100).toFixed(2)} % of pixels changed`;
}
