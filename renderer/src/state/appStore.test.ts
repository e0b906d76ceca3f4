import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineInfo } from '../../../electron/shared/contract';
import { createAppStore } from './appStore';
import { selectZoomPercent, type OpenImage } from './documentSlice';
import { selectIsDemoModel, selectRuntimeLabel } from './engineSlice';
import { MAX_NOTICES, TOAST_MS } from './uiSlice';

const image: OpenImage = {
  id: 'p/v1',
  name: 'a.png',
  width: 200,
  height: 100,
  format: 'png',
  byteLength: 1234,
};

describe('document slice', () => {
  it('shows a new image fitted, and refits when the viewport changes while in fit mode', () => {
    const store = createAppStore();
    store.getState().setViewport({ width: 448, height: 448 });
    store.getState().setImage(image);
    expect(store.getState().view.scale).toBe(2);
    expect(selectZoomPercent(store.getState())).toBe(200);
    store.getState().setViewport({ width: 848, height: 848 });
    expect(store.getState().view.scale).toBe(4);
  });

  it('keeps the user zoom and pan across viewport changes once they have zoomed, until fit is asked for', () => {
    const store = createAppStore();
    store.getState().setViewport({ width: 448, height: 448 });
    store.getState().setImage(image);
    store.getState().zoomBy(1.5, { x: 100, y: 100 });
    store.getState().panBy(10, -5);
    const zoomed = store.getState().view;
    expect(store.getState().viewMode).toBe('free');
    store.getState().setViewport({ width: 600, height: 600 });
    expect(store.getState().view).toEqual(zoomed);
    store.getState().fitToView();
    expect(store.getState().viewMode).toBe('fit');
    expect(store.getState().view.scale).toBeCloseTo((600 - 48) / 200, 12);
  });

  it('zooms to 100 % centred', () => {
    const store = createAppStore();
    store.getState().setViewport({ width: 1000, height: 500 });
    store.getState().setImage(image);
    store.getState().zoomToActual();
    expect(store.getState().view).toEqual({ scale: 1, x: 400, y: 200 });
  });

  it('ignores zoom and pan with no image open, and nonsense factors', () => {
    const store = createAppStore();
    const before = store.getState().view;
    store.getState().zoomBy(2);
    store.getState().panBy(5, 5);
    store.getState().zoomToActual();
    expect(store.getState().view).toBe(before);
    expect(selectZoomPercent(store.getState())).toBeNull();
    store.getState().setImage(image);
    const fitted = store.getState().view;
    store.getState().zoomBy(0);
    store.getState().zoomBy(Number.NaN);
    expect(store.getState().view).toBe(fitted);
  });
});

const info: EngineInfo = {
  appVersion: '0.1.0',
  ortVersion: '1.30.0',
  providers: [
    { name: 'cpu', bundled: true, available: true },
    { name: 'webgpu', bundled: true, available: true },
    { name: 'cuda', bundled: false, available: false },
  ],
  model: { folder: '/tmp/m', status: 'demo', detail: 'no model installed' },
  state: 'starting',
  pid: 42,
  restarts: 0,
};

describe('engine slice', () => {
  it('labels the runtime and providers once the engine has introduced itself', () => {
    const store = createAppStore();
    expect(selectRuntimeLabel(store.getState())).toBeNull();
    expect(store.getState().connection).toBe('connecting');
    store.getState().setEngineInfo(info);
    expect(selectRuntimeLabel(store.getState())).toBe('ORT 1.30.0 · cpu, webgpu');
    expect(selectIsDemoModel(store.getState())).toBe(true);
    expect(store.getState().connection).toBe('open');
  });

  it('applies engine:state events to the live state and to the last info', () => {
    const store = createAppStore();
    store.getState().setEngineInfo(info);
    store
      .getState()
      .applyEngineState({ state: 'restarting', detail: 'engine exited: exit code 1', restarts: 1 });
    expect(store.getState().engineState).toBe('restarting');
    expect(store.getState().engineDetail).toBe('engine exited: exit code 1');
    expect(store.getState().info?.restarts).toBe(1);
    expect(store.getState().info?.state).toBe('restarting');
  });
});

describe('ui slice', () => {
  it('keeps the newest notices, and dismisses by id', () => {
    const store = createAppStore();
    const ids = Array.from({ length: MAX_NOTICES + 2 }, (_, i) =>
      store.getState().pushNotice({ tone: 'error', title: `t${i}`, message: 'm' }),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(store.getState().notices.map((n) => n.title)).toEqual(['t2', 't3', 't4', 't5']);
    store.getState().dismissNotice(ids[3]!);
    expect(store.getState().notices.map((n) => n.title)).toEqual(['t2', 't4', 't5']);
  });

  describe('toasts', () => {
    afterEach(() => vi.useRealTimers());

    it('dismiss confirmations on their own; errors and notices with a button stay', () => {
      vi.useFakeTimers();
      const store = createAppStore();
      const s = store.getState();
      s.pushNotice({ tone: 'info', title: 'Copied', message: 'm' });
      s.pushNotice({ tone: 'error', title: 'Edit failed', message: 'm' });
      s.pushNotice({
        tone: 'info',
        title: 'Deleted',
        message: 'm',
        action: { label: 'Undo', run: () => {} },
      });
      vi.advanceTimersByTime(TOAST_MS - 1);
      expect(store.getState().notices.map((n) => n.title)).toEqual(['Copied', 'Edit failed', 'Deleted']);
      vi.advanceTimersByTime(1);
      expect(store.getState().notices.map((n) => n.title)).toEqual(['Edit failed', 'Deleted']);
    });
  });
});
