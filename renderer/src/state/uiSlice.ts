/**
 * Transient UI state: notices (errors and confirmations shown to the user) and what the app is doing now.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

/** A button on a notice (Retry, Undo…). */
export type NoticeAction = Readonly<{ label: string; run: () => void }>;

export type Notice = Readonly<{
  id: number;
  tone: 'error' | 'info';
  title: string;
  message: string;
  action?: NoticeAction;
}>;

/** Older notices drop off beyond this many, so a burst of failures cannot fill the screen. */
export const MAX_NOTICES = 4;
/**
 * How long a confirmation (an info notice without a button) stays: long enough to read two lines. Errors and
 * notices with a button (Undo, Retry) stay until dismissed, so nothing the user must act on slips away.
 */
export const TOAST_MS = 5000;

export type UiSlice = {
  notices: readonly Notice[];
  /** A short description of work in progress (e.g. `Opening photo.png…`), or null when idle. */
  activity: string | null;
  pushNotice(notice: Omit<Notice, 'id'>): number;
  dismissNotice(id: number): void;
  /** A new project starts without the previous one's notices. */
  clearNotices(): void;
  setActivity(activity: string | null): void;
};

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => {
  let nextId = 1;
  return {
    notices: [],
    activity: null,
    pushNotice: (notice) => {
      const id = nextId++;
      set({ notices: [...get().notices, { ...notice, id }].slice(-MAX_NOTICES) });
      if (notice.tone === 'info' && !notice.action) setTimeout(() => get().dismissNotice(id), TOAST_MS);
      return id;
    },
    dismissNotice: (id) => {
      if (get().notices.some((n) => n.id === id)) set({ notices: get().notices.filter((n) => n.id !== id) });
    },
    clearNotices: () => set({ notices: [] }),
    setActivity: (activity) => set({ activity }),
  };
};
