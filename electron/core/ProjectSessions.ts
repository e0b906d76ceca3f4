/**
 * The open projects of one UI-facing process (the contract handlers in handlers/ reach them here). A project
 * is its folder: open projects are keyed by the folder's canonical real path, and the UI names one by a
 * handle derived from that path (the tree's `projectId`). Two folders with the same project id (a copy, a
 * backup) are two projects; the same folder reached by another spelling or a symlink is the same one, with
 * one writer.
 */
import { createHash } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectTree } from '../shared/projectSchemas';
import { CodedError } from '../shared/result';
import type { Project } from './projects/Project';
import type { ProjectStore } from './projects/ProjectStore';
import { ProjectRoots } from './projectRoots';
import { followReadOnly } from './readOnlyFollower';
import { safeName } from './safeName';
import { UnsavedEdits } from './unsavedEdits';

export class ProjectSessions {
  /** Handle → project. */
  #open = new Map<string, Project>();
  #handles = new Map<Project, string>();
  /** Edits that finished but could not be saved (a full disk), per handle, until saved again. */
  readonly unsaved = new UnsavedEdits();
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

  /** The project's tree as the UI names it: `projectId` is this session's handle, not the id in the file. */
  tree(project: Project): ProjectTree {
    return { ...project.tree(), projectId: this.handleOf(project) };
  }

  handleOf(project: Project): string {
    const handle = this.#handles.get(project);
    if (!handle) throw new CodedError('PROJECT_NOT_FOUND', 'That project is not open.');
    return handle;
  }

  async create(name: string, bytes: Uint8Array): Promise<Project> {
    await mkdir(this.projectsDir, { recursive: true });
    const folder = join(this.projectsDir, `${safeName(name)}-${Date.now().toString(36)}`);
    const project = await this.projectStore.create(folder, bytes, { sourceName: name });
    return this.#keep(handleFor(await realpath(folder)), project);
  }

  async open(requested: string): Promise<Project> {
    const path = await this.roots.admit(requested);
    // A folder that does not exist keeps its spelling: opening it fails with the store's own message.
    const real = await realpath(path).catch(() => path);
    const handle = handleFor(real);
    return this.#open.get(handle) ?? this.#keep(handle, await this.projectStore.open(real));
  }

  async closeAll(): Promise<void> {
    for (const stop of this.#followers.values()) stop();
    this.#followers.clear();
    await Promise.all([...this.#open.values()].map((p) => p.close()));
    this.#open.clear();
    this.#handles.clear();
  }

  /** Hears every change of an open project: this process's own edits and, when read-only, the writer's. */
  onChanged(listener: (tree: ProjectTree) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the listeners that `project` changed (handlers call it after each change they make). */
  changed(project: Project): void {
    const tree = this.tree(project);
    for (const listener of this.#listeners) listener(tree);
  }

  #keep(handle: string, project: Project): Project {
    this.#open.set(handle, project);
    this.#handles.set(project, handle);
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
          const handle = this.#handles.get(project);
          this.#handles.delete(project);
          if (handle !== undefined && this.#open.get(handle) === project) {
            this.#open.set(handle, next);
            this.#handles.set(next, handle);
          }
          void project.close();
        }
        this.changed(next);
      },
    });
    this.#followers.set(project, stop);
  }
}

/** Short, stable and safe in URLs and keys; the path itself would reveal the folder and can be long. */
function handleFor(realPath: string): string {
  return `p-${createHash('sha256').update(realPath).digest('hex').slice(0, 32)}`;
}
