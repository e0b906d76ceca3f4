/** Contract handlers on one open project's versions: images, rollback, labels, branches, diff, export. */
import type { Handlers } from '../../shared/dispatcher';
import { exportVersion } from '../projects/exportVersion';
import type { Project } from '../projects/Project';
import { readEmbeddedRecipe } from '../projects/recipeEmbed';
import type { ProjectSessions } from '../ProjectSessions';
import { safeName } from '../safeName';

/** Blob and export extensions are all images; two of them are spelt differently in MIME types. */
const mimeOf = (ext: string) => `image/${{ jpg: 'jpeg', tif: 'tiff' }[ext] ?? ext}`;

export function versionHandlers(sessions: ProjectSessions): Handlers {
  /** Runs a change on the project, then answers with its new tree. */
  const changeTree = async (projectId: string, change: (project: Project) => Promise<unknown>) => {
    const project = sessions.get(projectId);
    await change(project);
    return sessions.tree(project);
  };
  return {
    'version:image': async ({ projectId, versionId, thumbnail }) => {
      const project = sessions.get(projectId);
      const node = project.getVersion(versionId);
      if (thumbnail)
        return { bytes: new Uint8Array(await project.readThumbnail(versionId)), mime: 'image/webp' };
      return {
        bytes: new Uint8Array(await project.readImage(versionId)),
        mime: mimeOf(node.image.blob.split('.')[1]!),
      };
    },
    'version:checkout': ({ projectId, versionId }) => changeTree(projectId, (p) => p.checkout(versionId)),
    'version:label': ({ projectId, versionId, label }) =>
      changeTree(projectId, (p) => p.setLabel(versionId, label)),
    'version:deleteBranch': ({ projectId, versionId }) =>
      changeTree(projectId, (p) => p.deleteBranch(versionId)),
    'version:diff': async ({ projectId, a, b }) => {
      const { changedFraction, maskPng, width, height } = await sessions.get(projectId).diff(a, b);
      return { changedFraction, maskPng: new Uint8Array(maskPng), width, height };
    },
    'version:export': async ({ projectId, versionId, format }) => {
      const project = sessions.get(projectId);
      const bytes = await exportVersion(project, versionId, { format });
      const ext = format === 'jpeg' ? 'jpg' : format;
      const label = project.getVersion(versionId).label;
      return {
        bytes: new Uint8Array(bytes),
        fileName: `${safeName(project.name)}-${safeName(label ?? versionId)}.${ext}`,
        mime: mimeOf(ext),
      };
    },
    'recipe:read': async ({ bytes }) => ({ recipe: readEmbeddedRecipe(bytes) }),
  };
}
