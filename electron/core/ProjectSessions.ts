/**
 * The open projects of one UI-facing process, by id, and the contract handlers for them: create, open,
 * version images, rollback, labels, branches, diff, export — and `edit:run`, which sends the parent's image to
 * the engine and records the result as a new child version. A cancelled or failed edit changes nothing.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Handlers } from '../shared/dispatcher';
import { engineEditResultSchema } from '../shared/contract';
import { CodedError, unwrap } from '../shared/result';
import type { Project } from './projects/Project';
import type { ProjectStore } from './projects/ProjectStore';
import { readEmbeddedRecipe } from './projects/recipeEmbed';
import type { EngineSupervisor } from './engine/EngineSupervisor';
import { regionMaskPng, settingsFromRecipe, toRecipe } from './editRecipe';

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
          return engineEditResultSchema.parse(unwrap(answer)).png;
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
      const result = engineEditResultSchema.parse(unwrap(answer));
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

function safeName(name: string): string {
  return (
    name
      .replace(/\.[a-z0-9]+$/i, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'untitled'
  );
}
