/**
 * `text:generate`: sends a version's image, or the part of it in `region`, to the engine's text generator
 * (enhance, describe, OCR). Nothing in the project changes; the enhanced instruction reaches the recipe only
 * when the user runs an edit with it.
 */
import { textResultSchema } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatcher';
import { unwrap } from '../../shared/result';
import type { EngineSupervisor } from '../supervisor/EngineSupervisor';
import type { ProjectSessions } from '../ProjectSessions';
import { cropImage } from '../projects/imageOps';

export function textHandlers(sessions: ProjectSessions, supervisor: EngineSupervisor): Handlers {
  return {
    'text:generate': async ({ jobId, projectId, versionId, task, instruction, region }) => {
      const project = sessions.get(projectId);
      project.getVersion(versionId);
      const whole = new Uint8Array(await project.readImage(versionId));
      const image = region ? await cropImage(whole, region) : whole;
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
