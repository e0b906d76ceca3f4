/**
 * The app's entry point to projects: creates and opens them and keeps the recent-projects list in the
 * app-data folder up to date.
 */
import { Project } from './Project';
import type { CreateOptions, OpenOptions } from './opening';
import { nodeProjectFs } from './projectFs';
import type { ProjectFs } from './projectFs';
import { RecentProjects } from './recentProjects';
import type { RecentProject } from './recentProjects';

export class ProjectStore {
  readonly recent: RecentProjects;
  private readonly fs: ProjectFs;

  constructor(options: { appDataDir: string; fs?: ProjectFs }) {
    this.fs = options.fs ?? nodeProjectFs;
    this.recent = new RecentProjects(options.appDataDir, this.fs);
  }

  /** Creates a project in `dir` from an image file's bytes (see Project.create). */
  async create(dir: string, image: Uint8Array, options: Omit<CreateOptions, 'fs'> = {}): Promise<Project> {
    const project = await Project.create(dir, image, { ...options, fs: this.fs });
    await this.remember(dir, project.name);
    return project;
  }

  /** Opens the project in `dir` (see Project.open); read-only if another instance holds it. */
  async open(dir: string, options: Omit<OpenOptions, 'fs'> = {}): Promise<Project> {
    const project = await Project.open(dir, { ...options, fs: this.fs });
    await this.remember(dir, project.name);
    return project;
  }

  listRecent(): Promise<RecentProject[]> {
    return this.recent.list();
  }

  /** A failure to update the recent list must not fail the open itself. */
  private async remember(dir: string, name: string): Promise<void> {
    await this.recent.touch(dir, name).catch(() => undefined);
  }
}
