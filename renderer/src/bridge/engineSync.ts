/**
 * Keeps the engine slice current: one `engine:info` at start, then again whenever `engine:state` reports a
 * change (a restarted engine may come back with other providers or another model).
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { AppStore } from '../state/appStore';

export function startEngineSync(client: Pick<ContractClient, 'request' | 'on'>, store: AppStore): () => void {
  let stopped = false;
  let asked = 0;
  const refresh = async () => {
    const mine = ++asked;
    const result = await client.request('engine:info', {});
    if (stopped || mine !== asked) return;
    if (result.ok) store.getState().setEngineInfo(result.value);
    else store.getState().setConnection('closed', result.error.message);
  };
  const off = client.on('engine:state', (event) => {
    store.getState().applyEngineState(event);
    void refresh();
  });
  void refresh();
  return () => {
    stopped = true;
    off();
  };
}
