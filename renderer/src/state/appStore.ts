/**
 * The renderer's one store: a vanilla zustand store made of slices, so its logic runs (and is
 * tested) in plain Node; React binds to it with `useAppStore`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createCompareSlice, type CompareSlice } from './compareSlice';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createHistorySlice, type HistorySlice } from './historySlice';
import { createJobSlice, type JobSlice } from './jobSlice';
import { createLorasSlice, type LorasSlice } from './lorasSlice';
import { createParamsSlice, type ParamsSlice } from './paramsSlice';
import { createProjectSlice, type ProjectSlice } from './projectSlice';
import { createQueueSlice, type QueueSlice } from './queueSlice';
import { createReferencesSlice, type ReferencesSlice } from './referencesSlice';
import { createRegionSlice, type RegionSlice } from './regionSlice';
import { createToolSlice, type ToolSlice } from './toolSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createVariationsSlice, type VariationsSlice } from './variationsSlice';

export type AppState = DocumentSlice &
  EngineSlice &
  UiSlice &
  ParamsSlice &
  ProjectSlice &
  JobSlice &
  CompareSlice &
  RegionSlice &
  ToolSlice &
  HistorySlice &
  VariationsSlice &
  QueueSlice &
  ReferencesSlice &
  LorasSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createDocumentSlice(...a),
    ...createEngineSlice(...a),
    ...createUiSlice(...a),
    ...createParamsSlice(...a),
    ...createProjectSlice(...a),
    ...createJobSlice(...a),
    ...createCompareSlice(...a),
    ...createRegionSlice(...a),
    ...createToolSlice(...a),
    ...createHistorySlice(...a),
    ...createVariationsSlice(...a),
    ...createQueueSlice(...a),
    ...createReferencesSlice(...a),
    ...createLorasSlice(...a),
  }));
}
