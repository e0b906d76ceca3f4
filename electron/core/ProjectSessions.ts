/**
 * The open projects of one UI-facing process, by id (the contract handlers in handlers/ reach them here).
 * Opening a project that is already open returns the same instance, so it has one writer.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../shared/result';
import type { Project } from './projects/Project';
import type { ProjectStore } from './projects/ProjectStore';
import { ProjectRoots } from './projectRoots';
import { safeName } from './safeName';

export class ProjectSessions {
  #open = new Map<string, Project>();
  /** Where `open` may reach; Electron main adds the folders the user picks in a dialog. */
  readonly roots: ProjectRoots;

  constructor(
    readonly projectStore: ProjectStore,
    private readonly projectsDir: string,
  ) {
    this.roots = new ProjectRoots(projectsDir, async () =>
      (await projectStore.listRecent()).map((r) => r.path),
    );
  }

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

  async open(requested: string): Promise<Project> {
    const path = await this.roots.admit(requested);
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
