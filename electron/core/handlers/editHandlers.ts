/**
 * Contract handlers that run the engine on a project: `edit:run` sends the parent's image to the engine and
 * records the result as a new child version (a cancelled or failed edit changes nothing); `version:replay`
 * re-runs a version's recipe and compares.
 */
import { engineEditResultSchema } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatcher';
import { CodedError, unwrap } from '../../shared/result';
import { inspectImage } from '../projects/imageOps';
import { replayVersion } from '../projects/replay';
import { regionMaskPng, settingsFromRecipe, toRecipe } from '../editRecipe';
import type { EngineSupervisor } from '../supervisor/EngineSupervisor';
import type { ProjectSessions } from '../ProjectSessions';

export function editHandlers(sessions: ProjectSessions, supervisor: EngineSupervisor): Handlers {
  return {
    'edit:run': async ({ jobId, projectId, parentId, settings }) => {
      const project = sessions.get(projectId);
      if (project.readOnly)
        throw new CodedError(
          'PROJECT_READ_ONLY',
          project.readOnlyReason ?? 'This project is open read-only.',
        );
      const parent = project.getVersion(parentId);
      // A mask is an image the app takes in: the same rules as an opened file, before the engine sees it.
      if (settings.region?.kind === 'mask') await inspectImage('The mask', settings.region.png);
      const image = new Uint8Array(await project.readImage(parentId));
      const result = engineEditResultSchema.parse(
        unwrap(await supervisor.request('engine:edit', { jobId, image, settings })),
      );
      const maskPng = settings.region ? await regionMaskPng(settings.region, parent.image) : null;
      const node = await project.addVersion({
        parentId,
        png: result.png,
        recipe: toRecipe(settings, result, parent.image),
        ...(maskPng ? { regionMaskPng: maskPng } : {}),
      });
      sessions.changed(project);
      return { project: project.tree(), versionId: node.id };
    },
    'version:replay': async ({ jobId, projectId, versionId }) => {
      const { identical, pixelsIdentical, changedFraction } = await replayVersion(
        sessions.get(projectId),
        versionId,
        {
          run: async ({ recipe, input, mask }) => {
            const settings = settingsFromRecipe(recipe, mask);
            const answer = await supervisor.request('engine:edit', {
              jobId,
              image: new Uint8Array(input),
              settings,
            });
            return engineEditResultSchema.parse(unwrap(answer)).png;
          },
        },
      );
      return { identical, pixelsIdentical, changedFraction };
    },
  };
}
