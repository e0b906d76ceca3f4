/**
 * `text:generate`: sends a version's image to the engine's text generator (enhance, describe, OCR). Nothing
 * in the project changes; the enhanced instruction reaches the recipe only when the user runs an edit with it.
 */
import { textResultSchema } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatcher';
import { unwrap } from '../../shared/result';
import type { EngineSupervisor } from '../supervisor/EngineSupervisor';
import type { ProjectSessions } from '../ProjectSessions';

export function textHandlers(sessions: ProjectSessions, supervisor: EngineSupervisor): Handlers {
  return {
    'text:generate': async ({ jobId, projectId, versionId, task, instruction }) => {
      const project = sessions.get(projectId);
      project.getVersion(versionId);
      const image = new Uint8Array(await project.readImage(versionId));
      return textResultSchema.parse(
        unwrap(
          await supervisor.request('engine:text', {
            jobId,
            image,
            task,
            ...(instruction !== undefined ? { instruction } : {}),
          }),
        ),
      );
    },
  };
}
