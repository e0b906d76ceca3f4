/** Contract handlers on one open project's versions: images, rollback, labels, branches, diff, export. */
import type { Handlers } from '../../shared/dispatcher';
import { CodedError } from '../../shared/result';
import { exportVersion } from '../projects/exportVersion';
import { inspectImage } from '../projects/imageOps';
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
    sessions.changed(project);
    return sessions.tree(project);
  };
  return {
    'version:reference': async ({ projectId, versionId, index, thumbnail }) => {
      const { bytes, blob } = await sessions.get(projectId).readReference(versionId, index, thumbnail);
      return { bytes: new Uint8Array(bytes), mime: mimeOf(blob.split('.')[1]!) };
    },
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
    'version:regionMask': async ({ projectId, versionId }) => {
      const project = sessions.get(projectId);
      const node = project.getVersion(versionId);
      const mask = node.recipe?.region?.mask;
      if (!mask) throw new CodedError('NOT_FOUND', `Version ${versionId} was not edited in a region.`);
      const png = new Uint8Array(await project.readBlob(mask));
      const { width, height } = await inspectImage('The region mask', png);
      return { png, width, height };
    },
    'version:diff': async ({ projectId, a, b }) => {
      const { changedFraction, maskPng, width, height } = await sessions.get(projectId).diff(a, b);
      return { changedFraction, maskPng: new Uint8Array(maskPng), width, height };
    },
    'version:export': async ({
      projectId,
      versionId,
      format,
      quality,
      scale,
      dpi,
      srgbProfile,
      nameFrom,
    }) => {
      const project = sessions.get(projectId);
      const layout = { scale, dpi, srgbProfile };
      const bytes = await exportVersion(project, versionId, { format, quality, layout });
      const ext = format === 'jpeg' ? 'jpg' : format;
      const version = project.getVersion(versionId);
      const prompt = version.recipe?.prompt.trim().split(/\s+/).slice(0, 8).join(' ');
      const stem = (nameFrom === 'prompt' && prompt) || version.label || versionId;
      return {
        bytes: new Uint8Array(bytes),
        fileName: `${safeName(project.name)}-${safeName(stem)}.${ext}`,
        mime: mimeOf(ext),
      };
    },
    'recipe:read': async ({ bytes }) => {
      await inspectImage('The image', bytes);
      return { recipe: readEmbeddedRecipe(bytes) };
    },
  };
}
