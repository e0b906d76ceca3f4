/**
 * What outlives a reload of the page (issue 13 §4): the recent instructions and the last project, kept in the
 * browser's storage for this app (web mode and the Electron window alike). Everything read back is checked:
 * storage another version wrote, or a user edited, is ignored rather than trusted.
 */
import { MAX_RECENT_PROMPTS } from '../state/paramsSlice';
import type { AppStore } from '../state/appStore';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const RECENT_KEY = 'qwen-edit.recentPrompts';
const LAST_PROJECT_KEY = 'qwen-edit.lastProject';

/**
 * Restores the recent instructions now and calls `reopen` with the last project's path (when no project is
 * open yet), then keeps both up to date. A project that cannot be opened again is forgotten by `forget`.
 * Returns the unsubscribe function.
 */
export function persistAcrossReloads(
  store: AppStore,
  storage: KeyValueStorage,
  reopen: (path: string) => Promise<boolean>,
): () => void {
  const recent = readStrings(storage.getItem(RECENT_KEY)).slice(0, MAX_RECENT_PROMPTS);
  if (recent.length > 0) store.setState({ recentPrompts: recent });
  const last = storage.getItem(LAST_PROJECT_KEY);
  if (last && store.getState().project === null)
    void reopen(last).then((opened) => {
      if (!opened && storage.getItem(LAST_PROJECT_KEY) === last) storage.removeItem(LAST_PROJECT_KEY);
    });
  return store.subscribe((now, before) => {
    if (now.recentPrompts !== before.recentPrompts)
      write(storage, RECENT_KEY, JSON.stringify(now.recentPrompts));
    const path = now.project?.path;
    if (path && path !== before.project?.path) write(storage, LAST_PROJECT_KEY, path);
  });
}

function readStrings(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      : [];
  } catch {
    return [];
  }
}

/** A full or blocked storage costs only the memory across reloads, never the edit in hand. */
function write(storage: KeyValueStorage, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch {
    // nothing else to do: the value stays in the store for this load
  }
}
