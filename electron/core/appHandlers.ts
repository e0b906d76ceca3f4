/**
 * The contract's handlers on the UI-facing side. Cheap requests are answered here; model work is forwarded to
 * the engine process. Shared by Electron main and the web server so both serve exactly the same contract.
 */
import type { Handlers } from '../shared/dispatcher';
import type { ParamsOf, RequestName, ResultOf } from '../shared/contract';
import { unwrap } from '../shared/result';
import type { EngineSupervisor } from './supervisor/EngineSupervisor';
import { inspectImage } from './projects/imageOps';
import { editHandlers } from './handlers/editHandlers';
import { projectHandlers } from './handlers/projectHandlers';
import { versionHandlers } from './handlers/versionHandlers';
import type { ProjectSessions } from './ProjectSessions';

export function createAppHandlers(supervisor: EngineSupervisor, sessions?: ProjectSessions): Handlers {
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
    'job:cancel': async ({ jobId }) => ({ cancelled: supervisor.cancel(jobId) }),
    'image:inspect': async ({ name, bytes }) => inspectImage(name, bytes),
    ...(sessions && {
      ...projectHandlers(sessions),
      ...versionHandlers(sessions),
      ...editHandlers(sessions, supervisor),
    }),
  };
}
