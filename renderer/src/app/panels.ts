/**
 * Which side panels are shown: View ▸ Show versions panel / Show edit panel (Ctrl+1, Ctrl+2) toggle them.
 * A small store of its own, beside the app's: it is window layout, not document state.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

export type PanelId = 'versions' | 'edit';

export type PanelsState = Readonly<Record<PanelId, boolean>> & { toggle(panel: PanelId): void };
export type PanelsStore = StoreApi<PanelsState>;

export function createPanels(): PanelsStore {
  return createStore<PanelsState>()((set, get) => ({
    versions: true,
    edit: true,
    toggle: (panel) => set({ [panel]: !get()[panel] }),
  }));
}
