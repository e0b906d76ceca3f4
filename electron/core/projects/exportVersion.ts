/**
 * Exporting a version: PNGs carry the recipe and lineage (iTXt, see recipeEmbed.ts) and, for PNG results,
 * keep the stored pixels bit for bit.
 */
import { writeFileAtomic } from './atomicWrite';
import { toWriteError } from './errors';
import { encodeForExport } from './imageOps';
import type { ExportFormat, ExportLayout } from './imageOps';
import type { Project } from './Project';
import { embedRecipe } from './recipeEmbed';
import type { EmbeddedRecipe } from './schemas';

/** The JSON embedded in exported PNGs: the version, its recipe, and its ancestors with theirs. */
export function embeddedRecipe(project: Project, id: string): EmbeddedRecipe {
  return {
    format: 'qwen-edit-studio/version',
    formatVersion: 1,
    project: { id: project.id, name: project.name },
    version: structuredClone(project.getVersion(id)),
    lineage: structuredClone(project.lineage(id)),
  };
}

/** Encodes version `id` for export; with `path`, also writes the file there atomically. */
export async function exportVersion(
  project: Project,
  id: string,
  options: { format: ExportFormat; quality?: number; path?: string; layout?: ExportLayout },
): Promise<Buffer> {
  const node = project.getVersion(id);
  const source = await project.readImage(id);
  const layout = options.layout ?? {};
  // Without print options a PNG keeps the stored bytes (pixels bit for bit, the recipe added).
  const plain = layout.scale === undefined && layout.dpi === undefined && !layout.srgbProfile;
  let out: Buffer;
  if (options.format === 'png') {
    const png =
      plain && node.image.blob.endsWith('.png')
        ? source
        : await encodeForExport(source, 'png', undefined, layout);
    out = embedRecipe(png, embeddedRecipe(project, id));
  } else {
    out = await encodeForExport(source, options.format, options.quality, layout);
  }
  if (options.path) {
    try {
      await writeFileAtomic(project.fs, options.path, out);
    } catch (error) {
      throw toWriteError(error, `the export to ${options.path}`);
    }
  }
  return out;
}
