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
import { textHandlers } from './handlers/textHandlers';
import { modelHandlers } from './handlers/modelHandlers';
import type { TokenVault } from './tokenVault';
import { projectHandlers } from './handlers/projectHandlers';
import { versionHandlers } from './handlers/versionHandlers';
import type { ProjectSessions } from './ProjectSessions';

export type AppHandlerOptions = {
  /** Pushes an event to the UI (`queue:changed`); the caller routes it as it routes the engine's. */
  onEvent?: (name: EventName, payload: unknown) => void;
  /** Where the hub access token is kept (default: nowhere; downloads then use the engine's env or file). */
  vault?: TokenVault;
};

export function createAppHandlers(
  supervisor: EngineSupervisor,
  sessions?: ProjectSessions,
  options: AppHandlerOptions = {},
): Handlers {
  const vault: TokenVault = options.vault ?? { read: async () => undefined, save: async () => undefined };
  const queue = new JobQueue((projectId, jobs) => options.onEvent?.('queue:changed', { projectId, jobs }));
  const forward =
    <N extends RequestName>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, params)) as ResultOf<N>;
  return {
    'app:ping': async () => ({ at: Date.now() }),
    'engine:info': async () => supervisor.info(),
    'engine:selftest': forward('engine:selftest'),
    'model:verify': async (params) => {
      const model = unwrap(
        await supervisor.request('engine:verifyModel', params),
      ) as ResultOf<'model:verify'>;
      supervisor.noteModelStatus(model);
      return model;
    },
    'job:cancel': async ({ jobId }) => ({ cancelled: queue.cancelQueued(jobId) || supervisor.cancel(jobId) }),
    'queue:list': async ({ projectId }) => ({ jobs: queue.list(projectId) }),
    'queue:move': async ({ jobId, toIndex }) => ({ moved: queue.move(jobId, toIndex) }),
    'image:inspect': async ({ name, bytes }) => inspectImage(name, bytes),
    ...modelHandlers(supervisor, vault),
    ...(sessions && {
      ...projectHandlers(sessions),
      ...versionHandlers(sessions),
      ...editHandlers(sessions, supervisor, queue),
      ...textHandlers(sessions, supervisor),
    }),
  };
}
