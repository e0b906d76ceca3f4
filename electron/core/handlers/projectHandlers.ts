/** Contract handlers that create, open and list projects. */
import type { Handlers } from '../../shared/dispatcher';
import type { Project } from '../projects/Project';
import type { ProjectSessions } from '../ProjectSessions';

export function projectHandlers(sessions: ProjectSessions): Handlers {
  const view = (p: Project) => ({
    ...sessions.tree(p),
    path: p.dir,
    report: { ...p.report, unsavedEdits: sessions.unsaved.count(sessions.handleOf(p)) },
  });
  return {
    'project:create': async ({ name, bytes }) => view(await sessions.create(name, bytes)),
    'project:open': async ({ path }) => view(await sessions.open(path)),
    'project:recent': async () => ({
      items: (await sessions.projectStore.listRecent()).map(({ path, name, openedAt }) => ({
        path,
        name,
        openedAt,
      })),
    }),
  };
}
