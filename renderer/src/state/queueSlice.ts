/** The open project's part of the edit queue, as the app side last reported it (`queue:changed`). */
import type { StateCreator } from 'zustand/vanilla';
import type { QueuedJob } from '../../../electron/shared/contract';
import type { AppState } from './appStore';

export type QueueSlice = {
  queue: readonly QueuedJob[];
  setQueue(jobs: readonly QueuedJob[]): void;
};

export const createQueueSlice: StateCreator<AppState, [], [], QueueSlice> = (set) => ({
  queue: [],
  setQueue: (queue) => set({ queue }),
});
