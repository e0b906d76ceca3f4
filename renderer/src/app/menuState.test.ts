import { describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../electron/shared/client';
import { INITIAL_MENU_STATE, parseMenuState, type MenuState } from '../../../electron/shared/menuState';
import { err, ok } from '../../../electron/shared/result';
import { createAppStore } from '../state/appStore';
import { branchedTree } from '../testing/testTree';
import { menuStateOf, MENU_RECENT, reportMenuState } from './menuState';
import { createPanels } from './panels';

const image = { id: 'p1:b', name: 'a.png', width: 64, height: 48, format: 'png' as const, byteLength: 10 };

describe('menu state from the app state', () => {
  it('is the initial state with nothing open', () => {
    const store = createAppStore();
    expect(menuStateOf(store.getState(), createPanels().getState(), [])).toEqual(INITIAL_MENU_STATE);
  });

  it('follows the project, image, history, job, comparable version and panels', () => {
    const store = createAppStore();
    const s = () => store.getState();
    const panels = createPanels();
    s().openProject({ ...branchedTree('b'), path: '/p' });
    s().setImage(image);
    s().recordHistory({ kind: 'head', label: 'Show b', before: 'a', after: 'b' });
    s().startJob('job-1', 'b', 4);
    panels.getState().toggle('edit');
    const recent = [{ path: '/p', name: 'a' }];
    const state = menuStateOf(s(), panels.getState(), recent);
    expect(state).toEqual({
      hasProject: true,
      hasImage: true,
      canUndo: true,
      canRedo: false,
      jobRunning: true,
      canCompare: true,
      versionsPanel: true,
      editPanel: false,
      recent,
    });
    // What main makes of it is the same state: the page's report survives main's check.
    expect(parseMenuState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    // The root has no parent to compare with.
    s().viewVersion('root');
    expect(menuStateOf(s(), panels.getState(), []).canCompare).toBe(false);
  });
});

describe('menu state reports', () => {
  function setup(options: { refuse?: boolean } = {}) {
    const store = createAppStore();
    const panels = createPanels();
    const reports: MenuState[] = [];
    let recentAsked = 0;
    let refuse = options.refuse ?? false;
    const client = {
      request: async (method: string, params: { state?: MenuState }) => {
        if (method === 'project:recent') {
          recentAsked++;
          const items = Array.from({ length: MENU_RECENT + 2 }, (_, i) => ({
            path: `/p${i}`,
            name: `p${i}`,
            openedAt: '2026-01-01T00:00:00.000Z',
          }));
          return ok({ items });
        }
        if (refuse) return err('UNKNOWN_REQUEST', 'not served');
        reports.push(params.state!);
        return ok({});
      },
    } as unknown as Pick<ContractClient, 'request'>;
    const stop = reportMenuState({ store, panels, client });
    return {
      s: () => store.getState(),
      panels,
      reports,
      recentAsked: () => recentAsked,
      stop,
      accept: () => (refuse = false),
    };
  }
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('sends the state at start and on each change that matters, never twice the same', async () => {
    const h = setup();
    await settle();
    expect(h.reports.map((r) => r.recent.length)).toEqual([0, MENU_RECENT]);
    h.s().setPrompt('make it purple');
    h.s().setPrompt('make it blue');
    await settle();
    expect(h.reports).toHaveLength(2);
    h.s().setImage(image);
    h.panels.getState().toggle('versions');
    await settle();
    expect(h.reports.slice(2).map((r) => [r.hasImage, r.versionsPanel])).toEqual([
      [true, true],
      [true, false],
    ]);
    h.stop();
    h.s().startJob('job-1', 'b', 4);
    await settle();
    expect(h.reports).toHaveLength(4);
  });

  it('reloads the recent projects when another project opens', async () => {
    const h = setup();
    await settle();
    expect(h.recentAsked()).toBe(1);
    h.s().openProject({ ...branchedTree('b'), path: '/p' });
    h.s().setPrompt('x');
    await settle();
    expect(h.recentAsked()).toBe(2);
  });

  it('sends again with the next change when main did not take a report', async () => {
    const h = setup({ refuse: true });
    await settle();
    expect(h.reports).toHaveLength(0);
    h.accept();
    h.s().setPrompt('unrelated, but the last report did not arrive');
    await settle();
    expect(h.reports).toHaveLength(1);
    expect(h.reports[0]!.recent).toHaveLength(MENU_RECENT);
  });
});
