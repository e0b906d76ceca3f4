/**
 * What the page does when its connection to the app server comes back (the server restarted): it asks for the
 * engine's state again, opens its project again (a restarted server has no projects open), and says so.
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { AppStore } from '../state/appStore';

export async function resumeAfterReconnect(
  client: Pick<ContractClient, 'request'>,
  store: AppStore,
): Promise<void> {
  const info = await client.request('engine:info', {});
  if (info.ok) store.getState().setEngineInfo(info.value);
  const path = store.getState().project?.path;
  if (path) {
    const reopened = await client.request('project:open', { path });
    if (!reopened.ok) {
      store.getState().pushNotice({
        tone: 'error',
        title: 'Reconnected, but the project could not be opened again',
        message: reopened.error.message || reopened.error.code,
      });
      return;
    }
    store.getState().updateTree(reopened.value);
  }
  store.getState().pushNotice({
    tone: 'info',
    title: 'Reconnected',
    message: 'The connection to the app server was lost and is back.',
  });
}
