/**
 * The model manager's contract handlers on the UI-facing side: everything runs in the engine (which owns the
 * model stack); this side assigns job ids to the quick requests and restarts the engine when another model
 * becomes active, so the next edit opens it.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/dispatcher';
import type { ParamsOf, ResultOf } from '../../shared/contract';
import { unwrap } from '../../shared/result';
import type { EngineSupervisor } from '../supervisor/EngineSupervisor';

type Quick =
  'models:list' | 'models:discard' | 'models:activate' | 'models:verify' | 'models:remove' | 'models:plan';

export function modelHandlers(supervisor: EngineSupervisor): Handlers {
  const quick =
    <N extends Quick>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, { ...params, jobId: `m-${randomUUID()}` })) as ResultOf<N>;
  const job =
    <N extends 'models:pull' | 'models:convert'>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, params)) as ResultOf<N>;
  return {
    'models:list': quick('models:list'),
    'models:pull': job('models:pull'),
    'models:discard': quick('models:discard'),
    'models:convert': job('models:convert'),
    'models:activate': async (params) => {
      const result = await quick('models:activate')(params);
      await supervisor.restart();
      return result;
    },
    'models:verify': quick('models:verify'),
    'models:remove': quick('models:remove'),
    'models:plan': quick('models:plan'),
  };
}
