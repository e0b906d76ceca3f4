/**
 * The open projects of one UI-facing process, by id, and the contract handlers for them: create, open,
 * version images, rollback, labels, branches, diff, export — and `edit:run`, which sends the parent's image to
 * the engine and records the result as a new child version. A cancelled or failed edit changes nothing.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Handlers } from '../shared/dispatcher';
import sharp from 'sharp';
import type { EditRegion, EditSettings, EngineEditResult } from '../shared/contract';
import { engineEditResultSchema } from '../shared/contract';
import { CodedError } from '../shared/result';
import type { Project } from './projects/Project';
import type { Recipe } from '../shared/projectSchemas';
import type { ProjectStore } from './projects/ProjectStore';
import { readEmbeddedRecipe } from './projects/recipeEmbed';
import type { EngineSupervisor } from './engine/EngineSupervisor';

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  tif: 'image/tiff',
  avif: 'image/avif',
};

export class ProjectSessions {
  #open = new Map<string, Project>();

  constructor(
    readonly store: ProjectStore,
    private readonly projectsDir: string,
  ) {}

  get(projectId: string): Project {
    const project = this.#open.get(projectId);
    if (!project)
      throw new CodedError('PROJECT_NOT_FOUND', 'That project is not open; open it again from Recent.');
    return project;
  }

  async create(name: string, bytes: Uint8Array): Promise<Project> {
    await mkdir(this.projectsDir, { recursive: true });
    const folder = join(this.projectsDir, `${safeName(name)}-${Date.now().toString(36)}`);
    return this.#keep(await this.store.create(folder, bytes, { sourceName: name }));
  }

  async open(path: string): Promise<Project> {
    for (const p of this.#open.values()) if (p.dir === path) return p;
    return this.#keep(await this.store.open(path));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.values()].map((p) => p.close()));
    this.#open.clear();
  }

  #keep(project: Project): Project {
    this.#open.set(project.id, project);
    return project;
  }
}

export function createProjectHandlers(sessions: ProjectSessions, supervisor: EngineSupervisor): Handlers {
  const view = (p: Project) => ({ ...p.tree(), path: p.dir });
  return {
    'project:create': async ({ name, bytes }) => view(await sessions.create(name, bytes)),
    'project:open': async ({ path }) => view(await sessions.open(path)),
    'project:recent': async () => ({ items: await sessionsRecent(sessions) }),
    'version:image': async ({ projectId, versionId, thumbnail }) => {
      const project = sessions.get(projectId);
      const node = project.getVersion(versionId);
      const bytes = thumbnail ? await project.readThumbnail(versionId) : null;
      if (bytes) return { bytes: new Uint8Array(bytes), mime: 'image/webp' };
      return {
        bytes: new Uint8Array(await project.readImage(versionId)),
        mime: MIME[node.image.blob.split('.')[1] ?? ''] ?? 'application/octet-stream',
      };
    },
    'version:checkout': async ({ projectId, versionId }) => {
      const project = sessions.get(projectId);
      await project.checkout(versionId);
      return project.tree();
    },
    'version:label': async ({ projectId, versionId, label }) => {
      const project = sessions.get(projectId);
      await project.setLabel(versionId, label);
      return project.tree();
    },
    'version:deleteBranch': async ({ projectId, versionId }) => {
      const project = sessions.get(projectId);
      await project.deleteBranch(versionId);
      return project.tree();
    },
    'version:diff': async ({ projectId, a, b }) => {
      const d = await sessions.get(projectId).diff(a, b);
      return {
        changedFraction: d.changedFraction,
        maskPng: new Uint8Array(d.maskPng),
        width: d.width,
        height: d.height,
      };
    },
    'version:export': async ({ projectId, versionId, format }) => {
      const project = sessions.get(projectId);
      const bytes = await project.exportVersion(versionId, { format });
      const ext = format === 'jpeg' ? 'jpg' : format;
      const label = project.getVersion(versionId).label;
      return {
        bytes: new Uint8Array(bytes),
        fileName: `${safeName(project.name)}-${safeName(label ?? versionId)}.${ext}`,
        mime: MIME[ext] ?? 'application/octet-stream',
      };
    },
    'recipe:read': async ({ bytes }) => ({ recipe: readEmbeddedRecipe(bytes) }),
    'version:replay': async ({ jobId, projectId, versionId }) => {
      const report = await sessions.get(projectId).replay(versionId, {
        run: async ({ recipe, input, mask }) => {
          const answer = await supervisor.request('engine:edit', {
            jobId,
            image: new Uint8Array(input),
            settings: settingsFromRecipe(recipe, mask),
          });
          if (!answer.ok) throw new CodedError(answer.error.code, answer.error.message);
          return engineEditResultSchema.parse(answer.value).png;
        },
      });
      return {
        identical: report.identical,
        pixelsIdentical: report.pixelsIdentical,
        changedFraction: report.changedFraction,
      };
    },
    'edit:run': async ({ jobId, projectId, parentId, settings }) => {
      const project = sessions.get(projectId);
      if (project.readOnly)
        throw new CodedError(
          'PROJECT_READ_ONLY',
          project.tree().readOnlyReason ?? 'This project is open read-only.',
        );
      const parent = project.getVersion(parentId);
      const image = new Uint8Array(await project.readImage(parentId));
      const answer = await supervisor.request('engine:edit', { jobId, image, settings });
      if (!answer.ok) throw new CodedError(answer.error.code, answer.error.message);
      const result = engineEditResultSchema.parse(answer.value);
      const maskPng = settings.region ? await regionMaskPng(settings.region, parent.image) : null;
      const node = await project.addVersion({
        parentId,
        png: result.png,
        recipe: toRecipe(settings, result, parent.image),
        ...(maskPng ? { regionMaskPng: maskPng } : {}),
      });
      return { project: project.tree(), versionId: node.id };
    },
  };
}

async function sessionsRecent(sessions: ProjectSessions) {
  return (await sessions.store.listRecent()).map((r) => ({
    path: r.path,
    name: r.name,
    openedAt: r.openedAt,
  }));
}

function toRecipe(
  settings: EditSettings,
  result: EngineEditResult,
  input: { width: number; height: number },
) {
  const box = settings.region?.kind === 'box' ? settings.region : null;
  return {
    model: { id: result.model.id, files: result.model.files },
    prompt: settings.prompt,
    negativePrompt: settings.negativePrompt,
    seed: settings.seed,
    cfg: settings.cfg,
    steps: settings.steps,
    sizes: {
      input: { width: input.width, height: input.height },
      output: { width: result.width, height: result.height },
    },
    // Project.addVersion stores the mask PNG and puts its blob name here in place of the placeholder.
    region: settings.region ? { mask: `${'0'.repeat(64)}.png`, feather: settings.feather } : null,
    options: {
      precision: result.model.precision,
      provider: result.provider,
      memoryPolicy: result.memoryPolicy,
      workingWidth: result.workingSize.width,
      workingHeight: result.workingSize.height,
      requestedWidth: settings.size?.width ?? null,
      requestedHeight: settings.size?.height ?? null,
      feather: settings.feather,
      regionBox: box ? `${box.x},${box.y},${box.width},${box.height}` : null,
    },
    timings: Object.fromEntries(Object.entries(result.timings).filter(([, v]) => v >= 0)),
  };
}

/** The settings that made a version, back from its recipe (the inverse of toRecipe). */
export function settingsFromRecipe(recipe: Recipe, mask: Uint8Array | null): EditSettings {
  const { requestedWidth: w, requestedHeight: h, feather } = recipe.options;
  return {
    prompt: recipe.prompt,
    negativePrompt: recipe.negativePrompt,
    seed: recipe.seed,
    cfg: recipe.cfg,
    steps: recipe.steps,
    size: typeof w === 'number' && typeof h === 'number' ? { width: w, height: h } : null,
    region: recipe.region && mask ? { kind: 'mask', png: new Uint8Array(mask) } : null,
    feather: recipe.region?.feather ?? (typeof feather === 'number' ? feather : 0),
  };
}

/** Every region is stored as a mask PNG at the input's size (white = editable), so a recipe has one form. */
async function regionMaskPng(
  region: EditRegion,
  size: { width: number; height: number },
): Promise<Uint8Array> {
  if (region.kind === 'mask') return region.png;
  const x = Math.max(0, Math.min(size.width - 1, Math.floor(region.x)));
  const y = Math.max(0, Math.min(size.height - 1, Math.floor(region.y)));
  const w = Math.max(1, Math.min(size.width - x, Math.ceil(region.x + region.width) - x));
  const h = Math.max(1, Math.min(size.height - y, Math.ceil(region.y + region.height) - y));
  const white = await sharp({
    create: { width: w, height: h, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .raw()
    .toBuffer();
  const png = await sharp({
    create: { width: size.width, height: size.height, channels: 3, background: { r: 0, g: 0, b: 0 } },
  })
    .composite([{ input: white, raw: { width: w, height: h, channels: 3 }, left: x, top: y }])
    .greyscale()
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

function safeName(name: string): string {
  return (
    name
      .replace(/\.[a-z0-9]+$/i, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'untitled'
  );
}
