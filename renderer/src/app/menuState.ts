/**
 * The page's half of the native menus: what they need to know (`MenuState`), derived from the store, and a
 * reporter that sends it to main whenever it changes, so items enable and disable with the app's state.
 */
import type { ContractClient } from '../../../electron/shared/client';
import type { MenuState } from '../../../electron/shared/menuState';
import type { AppState, AppStore } from '../state/appStore';
import type { PanelsState, PanelsStore } from './panels';

/** The File ▸ Open recent submenu lists at most this many projects. */
export const MENU_RECENT = 10;

export function menuStateOf(s: AppState, panels: PanelsState, recent: MenuState['recent']): MenuState {
  const viewed = s.project?.versions.find((v) => v.id === (s.viewedId ?? s.project?.head));
  return {
    hasProject: s.project !== null,
    hasImage: s.image !== null,
    canUndo: s.past.length > 0,
    canRedo: s.future.length > 0,
    jobRunning: s.jobStatus !== 'idle',
    canCompare: Boolean(viewed?.parentId),
    versionsPanel: panels.versions,
    editPanel: panels.edit,
    recent,
  };
}

/**
 * Sends the menu state through `shell:menuState` when it differs from the last one main took, and reloads the
 * recent projects whenever another project opens. Returns the stop function.
 */
export function reportMenuState(deps: {
  store: AppStore;
  panels: PanelsStore;
  client: Pick<ContractClient, 'request'>;
}): () => void {
  const { store, panels, client } = deps;
  let recent: MenuState['recent'] = [];
  let sent = '';
  let projectId: string | null | undefined;

  const report = () => {
    const state = menuStateOf(store.getState(), panels.getState(), recent);
    const json = JSON.stringify(state);
    if (json === sent) return;
    sent = json;
    void client.request('shell:menuState', { state }).then((answer) => {
      // Not taken: send it again with the next change.
      if (!answer.ok && sent === json) sent = '';
    });
  };

  const loadRecent = async () => {
    const answer = await client.request('project:recent', {});
    if (!answer.ok) return;
    recent = answer.value.items.slice(0, MENU_RECENT).map(({ path, name }) => ({ path, name }));
    report();
  };

  const onStore = () => {
    const id = store.getState().project?.projectId ?? null;
    if (id !== projectId) {
      projectId = id;
      void loadRecent();
    }
    report();
  };
  const stops = [store.subscribe(onStore), panels.subscribe(report)];
  onStore();
  return () => stops.forEach((stop) => stop());
}
