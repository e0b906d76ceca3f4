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
import type { TokenVault } from '../tokenVault';

type Quick =
  | 'models:getSettings'
  | 'models:setSettings'
  | 'models:setFolder'
  | 'models:list'
  | 'models:discard'
  | 'models:activate'
  | 'models:verify'
  | 'models:remove'
  | 'models:plan'
  | 'loras:list'
  | 'loras:add';

export function modelHandlers(supervisor: EngineSupervisor, vault: TokenVault): Handlers {
  const quick =
    <N extends Quick>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, { ...params, jobId: `m-${randomUUID()}` })) as ResultOf<N>;
  const job =
    <N extends 'models:convert'>(method: N) =>
    async (params: ParamsOf<N>): Promise<ResultOf<N>> =>
      unwrap(await supervisor.request(method, params)) as ResultOf<N>;
  return {
    'models:list': async (params) => {
      const library = await quick('models:list')(params);
      return { ...library, hasToken: library.hasToken || Boolean(await vault.read()) };
    },
    'models:pull': async (params) => {
      const token = await vault.read();
      return unwrap(
        await supervisor.request('models:pull', { ...params, ...(token ? { token } : {}) }),
      ) as ResultOf<'models:pull'>;
    },
    'models:setToken': async ({ token }) => {
      await vault.save(token);
      return { hasToken: token !== null };
    },
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
    'loras:list': quick('loras:list'),
    'loras:add': quick('loras:add'),
    'models:getSettings': quick('models:getSettings'),
    'models:setFolder': async (params) => {
      const result = await quick('models:setFolder')(params);
      await supervisor.restart();
      return result;
    },
    'models:setSettings': async (params) => {
      const result = await quick('models:setSettings')(params);
      await supervisor.restart();
      return result;
    },
  };
}
