/**
 * Contract handlers that run the engine on a project: `edit:run` sends the parent's image to the engine and
 * records the result as a new child version (a cancelled or failed edit changes nothing; one that could not
 * be saved on a full disk is kept for `edit:saveAgain`); `version:replay` re-runs a version's recipe and
 * compares.
 */
import { engineEditResultSchema, type ParamsOf, type ResultOf } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatcher';
import { CodedError, unwrap } from '../../shared/result';
import { inspectImage } from '../projects/imageOps';
import { replayVersion } from '../projects/replay';
import { projectRecipe, regionMaskPng, settingsFromRecipe } from '../editRecipe';
import { blobRefOf } from '../projects/blobStore';
import type { EngineSupervisor } from '../supervisor/EngineSupervisor';
import type { JobQueue } from '../JobQueue';
import type { ProjectSessions } from '../ProjectSessions';

export function editHandlers(
  sessions: ProjectSessions,
  supervisor: EngineSupervisor,
  queue: JobQueue,
): Handlers {
  return {
    // Edits wait their turn in the queue: the engine runs one at a time.
    'edit:run': ({ jobId, projectId, parentId, settings }) =>
      queue.enqueue({ jobId, projectId, parentId, prompt: settings.prompt, seed: settings.seed }, () =>
        runEdit(sessions, supervisor, { jobId, projectId, parentId, settings }),
      ),
    'edit:saveAgain': async ({ projectId }) => {
      const project = sessions.get(projectId);
      const versionIds = await sessions.unsaved.saveAgain(projectId, project);
      sessions.changed(project);
      return { project: sessions.tree(project), versionIds };
    },
    'version:replay': async ({ jobId, projectId, versionId }) => {
      const { identical, pixelsIdentical, changedFraction } = await replayVersion(
        sessions.get(projectId),
        versionId,
        {
          run: async ({ recipe, input, mask, references }) => {
            const settings = settingsFromRecipe(recipe, mask, references ?? []);
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

async function runEdit(
  sessions: ProjectSessions,
  supervisor: EngineSupervisor,
  { jobId, projectId, parentId, settings }: ParamsOf<'edit:run'>,
): Promise<ResultOf<'edit:run'>> {
  const project = sessions.get(projectId);
  if (project.readOnly)
    throw new CodedError('PROJECT_READ_ONLY', project.readOnlyReason ?? 'This project is open read-only.');
  const parent = project.getVersion(parentId);
  // A mask is an image the app takes in: the same rules as an opened file, before the engine sees it.
  if (settings.region?.kind === 'mask') await inspectImage('The mask', settings.region.png);
  for (const [i, bytes] of (settings.references ?? []).entries())
    await inspectImage(`Picture ${i + 2}`, bytes);
  const image = new Uint8Array(await project.readImage(parentId));
  const result = engineEditResultSchema.parse(
    unwrap(await supervisor.request('engine:edit', { jobId, image, settings })),
  );
  const maskPng = settings.region ? await regionMaskPng(settings.region, parent.image) : null;
  const input = {
    parentId,
    png: result.png,
    recipe: projectRecipe(
      result,
      maskPng && blobRefOf(maskPng, 'png'),
      settings.originalPrompt,
      (settings.loras ?? []).map((l) => l.id),
    ),
    ...(maskPng ? { regionMaskPng: maskPng } : {}),
    ...(settings.references?.length ? { references: settings.references } : {}),
  };
  const node = await project.addVersion(input).catch((error: unknown) => {
    if (!(error instanceof CodedError && error.code === 'DISK_FULL')) throw error;
    sessions.unsaved.keep(projectId, input);
    throw new CodedError(
      'DISK_FULL',
      'The disk is full: the edit finished but could not be saved. It is kept until the app closes: free some space, then choose Save again.',
    );
  });
  sessions.changed(project);
  return { project: sessions.tree(project), versionId: node.id };
}
