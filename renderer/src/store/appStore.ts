/**
 * The one bounded store of the renderer: typed slices combined in a vanilla zustand store, so every slice's
 * logic runs (and is tested) in plain Node; React binds to it with `useAppStore`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = DocumentSlice & EngineSlice & UiSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createDocumentSlice(...a),
    ...createEngineSlice(...a),
    ...createUiSlice(...a),
  }));
}
