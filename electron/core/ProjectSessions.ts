/**
 * The open projects of one UI-facing process, by id (the contract handlers in handlers/ reach them here).
 * Opening a project that is already open returns the same instance, so it has one writer.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../shared/result';
import type { Project } from './projects/Project';
import type { ProjectStore } from './projects/ProjectStore';
import { safeName } from './safeName';

export class ProjectSessions {
  #open = new Map<string, Project>();

  constructor(
    readonly projectStore: ProjectStore,
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
    return this.#keep(await this.projectStore.create(folder, bytes, { sourceName: name }));
  }

  async open(path: string): Promise<Project> {
    for (const p of this.#open.values()) if (p.dir === path) return p;
    return this.#keep(await this.projectStore.open(path));
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
