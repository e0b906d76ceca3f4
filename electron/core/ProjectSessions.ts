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
import { followReadOnly } from './readOnlyFollower';
import { safeName } from './safeName';
import type { ProjectTree } from '../shared/projectSchemas';

export class ProjectSessions {
  #open = new Map<string, Project>();
  #followers = new Map<Project, () => void>();
  #listeners = new Set<(tree: ProjectTree) => void>();
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
    for (const stop of this.#followers.values()) stop();
    this.#followers.clear();
    await Promise.all([...this.#open.values()].map((p) => p.close()));
    this.#open.clear();
  }

  /** Hears every change of an open project: this process's own edits and, when read-only, the writer's. */
  onChanged(listener: (tree: ProjectTree) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the listeners that `project` changed (handlers call it after each change they make). */
  changed(project: Project): void {
    const tree = project.tree();
    for (const listener of this.#listeners) listener(tree);
  }

  #keep(project: Project): Project {
    this.#open.set(project.id, project);
    if (project.readOnly) this.#follow(project);
    return project;
  }

  /** A read-only project follows its writer's saves, and becomes the writer once that one is gone. */
  #follow(project: Project): void {
    const stop = followReadOnly(project, {
      reopen: () => this.projectStore.open(project.dir),
      onChange: (next) => {
        if (next !== project) {
          this.#followers.delete(project);
          if (this.#open.get(project.id) === project) this.#open.set(next.id, next);
          void project.close();
        }
        this.changed(next);
      },
    });
    this.#followers.set(project, stop);
  }
}
