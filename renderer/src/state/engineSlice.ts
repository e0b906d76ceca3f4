/**
 * What the UI knows about the app side and its engine: the connection, the last `engine:info` answer and
 * the live state from `engine:state` events (which arrive between two info requests).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { EngineInfo, EngineState, EventPayload } from '../../../electron/shared/contract';
import type { AppState } from './appStore';

export type Connection = 'connecting' | 'open' | 'closed';

export type EngineSlice = {
  connection: Connection;
  /** Why the connection or the last info request failed, for the status bar. */
  connectionDetail: string;
  info: EngineInfo | null;
  engineState: EngineState | null;
  engineDetail: string;
  setConnection(connection: Connection, detail?: string): void;
  setEngineInfo(info: EngineInfo): void;
  applyEngineState(event: EventPayload<'engine:state'>): void;
};

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set, get) => ({
  connection: 'connecting',
  connectionDetail: '',
  info: null,
  engineState: null,
  engineDetail: '',
  setConnection: (connection, detail = '') => set({ connection, connectionDetail: detail }),
  setEngineInfo: (info) => set({ info, engineState: info.state, connection: 'open', connectionDetail: '' }),
  applyEngineState: ({ state, detail, restarts }) => {
    const { info } = get();
    set({ engineState: state, engineDetail: detail, info: info ? { ...info, state, restarts } : info });
  },
});

/** `ORT 1.30.0 · cpu, webgpu`, or null before the engine has introduced itself. */
export const selectRuntimeLabel = (s: AppState): string | null => {
  const info = s.info;
  if (!info || info.providers.length === 0) return null;
  // Only providers that can run here: CUDA is listed by ORT even when its libraries were not installed.
  const usable = info.providers.filter((p) => p.available).map((p) => p.name);
  return `ORT ${info.ortVersion} · ${usable.join(', ') || 'no provider available'}`;
};

/** True while the tiny random-weight model stands in for a real one. */
export const selectIsDemoModel = (s: AppState): boolean => s.info?.model.status === 'demo';
