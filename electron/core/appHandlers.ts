/**
 * The contract's handlers on the UI-facing side. Cheap requests are answered here; model work is forwarded to
 * the engine process. Shared by Electron main and the web server so both serve exactly the same contract.
 */
import type { Handlers } from '../shared/dispatcher';
import type { EventName, ParamsOf, RequestName, ResultOf } from '../shared/contract';
import { unwrap } from '../shared/result';
import { JobQueue } from './JobQueue';
import type { EngineSupervisor } from './supervisor/EngineSupervisor';
import { inspectImage } from './projects/imageOps';
import { editHandlers } from './handlers/editHandlers';
import { projectHandlers } from './handlers/projectHandlers';
import { versionHandlers } from './handlers/versionHandlers';
import type { ProjectSessions } from './ProjectSessions';

export type AppHandlerOptions = {
  /** Pushes an event to the UI (`queue:changed`); the caller routes it as it routes the engine's. */
  onEvent?: (name: EventName, payload: unknown) => void;
};

export function createAppHandlers(
  supervisor: EngineSupervisor,
  sessions?: ProjectSessions,
  options: AppHandlerOptions = {},
): Handlers {
  const queue = new JobQueue((projectId, jobs) => options.onEvent?.('queue:changed', { projectId, jobs }));
  const forward =
    <N extends RequestName>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, params)) as ResultOf<N>;
  return {
    'app:ping': async () => ({ at: Date.now() }),
    'engine:info': async () => supervisor.info(),
    'engine:selftest': forward('engine:selftest'),
    'job:cancel': async ({ jobId }) => ({ cancelled: queue.cancelQueued(jobId) || supervisor.cancel(jobId) }),
    'queue:list': async ({ projectId }) => ({ jobs: queue.list(projectId) }),
    'image:inspect': async ({ name, bytes }) => inspectImage(name, bytes),
    ...(sessions && {
      ...projectHandlers(sessions),
      ...versionHandlers(sessions),
      ...editHandlers(sessions, supervisor, queue),
    }),
  };
}
