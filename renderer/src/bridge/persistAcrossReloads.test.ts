import { describe, expect, it } from 'vitest';
import { createAppStore } from '../state/appStore';
import { MAX_RECENT_PROMPTS } from '../state/paramsSlice';
import { persistAcrossReloads, type KeyValueStorage } from './persistAcrossReloads';

function memoryStorage(initial: Record<string, string> = {}) {
  const kept = new Map(Object.entries(initial));
  const storage: KeyValueStorage = {
    getItem: (k) => kept.get(k) ?? null,
    setItem: (k, v) => void kept.set(k, v),
    removeItem: (k) => void kept.delete(k),
  };
  return { storage, kept };
}

const tree = (path: string) => ({
  projectId: `id-${path}`,
  name: path,
  head: 'root',
  versions: [],
  readOnly: false,
  path,
});

describe('persistAcrossReloads', () => {
  it('brings back the recent instructions and the last project in a new page load', async () => {
    const { storage } = memoryStorage();
    const first = createAppStore();
    const stop = persistAcrossReloads(first, storage, async () => true);
    first.getState().rememberPrompt('make it blue');
    first.getState().rememberPrompt('把天空变成紫色');
    first.getState().openProject(tree('/projects/poster') as never);
    stop();

    const reloaded = createAppStore();
    const reopened: string[] = [];
    persistAcrossReloads(reloaded, storage, async (path) => (reopened.push(path), true));
    expect(reloaded.getState().recentPrompts).toEqual(['把天空变成紫色', 'make it blue']);
    expect(reopened).toEqual(['/projects/poster']);
  });

  it('ignores what it cannot read, caps the list, and forgets a project that no longer opens', async () => {
    const many = Array.from({ length: MAX_RECENT_PROMPTS + 5 }, (_, i) => `p${i}`);
    const { storage, kept } = memoryStorage({
      'qwen-edit.recentPrompts': JSON.stringify([...many, 42, '  ']),
      'qwen-edit.lastProject': '/gone',
    });
    const store = createAppStore();
    let answered!: () => void;
    const done = new Promise<void>((r) => (answered = r));
    persistAcrossReloads(store, storage, async () => (answered(), false));
    await done;
    await Promise.resolve();
    expect(store.getState().recentPrompts).toEqual(many.slice(0, MAX_RECENT_PROMPTS));
    expect(kept.has('qwen-edit.lastProject')).toBe(false);

    const broken = memoryStorage({ 'qwen-edit.recentPrompts': '{not json' });
    const fresh = createAppStore();
    persistAcrossReloads(fresh, broken.storage, async () => true);
    expect(fresh.getState().recentPrompts).toEqual([]);
  });

  it('keeps working when the storage refuses writes (full or blocked)', () => {
    const storage: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const store = createAppStore();
    persistAcrossReloads(store, storage, async () => true);
    store.getState().rememberPrompt('still remembered');
    expect(store.getState().recentPrompts).toEqual(['still remembered']);
  });
});
