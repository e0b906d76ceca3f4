import { describe, expect, it } from 'vitest';
import { createContractClient, type RawTransport } from '../../../electron/shared/client';
import type { EngineInfo } from '../../../electron/shared/contract';
import { createDispatcher } from '../../../electron/shared/dispatcher';
import { createAppStore } from '../state/appStore';
import { startEngineSync } from './engineSync';

/** A transport over the real dispatcher whose events the test pushes by hand, as a server would. */
function fakeServer(info: () => EngineInfo) {
  const dispatch = createDispatcher({ 'engine:info': async () => info() });
  const listeners = new Set<(name: string, payload: unknown) => void>();
  let infoRequests = 0;
  const transport: RawTransport = {
    send: (method, params) => {
      if (method === 'engine:info') infoRequests++;
      return dispatch(method, params);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribePreview: () => () => undefined,
  };
  return {
    client: createContractClient(transport),
    emit: (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload)),
    infoRequests: () => infoRequests,
    listenerCount: () => listeners.size,
  };
}

const base: EngineInfo = {
  appVersion: '0.1.0',
  ortVersion: 'unknown (engine starting)',
  providers: [],
  model: { folder: '', status: 'missing', detail: 'engine not started yet' },
  state: 'starting',
  pid: null,
  restarts: 0,
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('startEngineSync', () => {
  it('asks for engine:info at start and again when engine:state says something changed', async () => {
    let current = base;
    const server = fakeServer(() => current);
    const store = createAppStore();
    const stop = startEngineSync(server.client, store);
    await settle();
    expect(store.getState().engineState).toBe('starting');
    expect(store.getState().connection).toBe('open');

    current = {
      ...base,
      state: 'ready',
      ortVersion: '1.30.0',
      providers: [{ name: 'cpu', bundled: true, available: true }],
    };
    server.emit('engine:state', { state: 'ready', detail: '', restarts: 0 });
    expect(store.getState().engineState).toBe('ready');
    await settle();
    expect(server.infoRequests()).toBe(2);
    expect(store.getState().info?.ortVersion).toBe('1.30.0');

    // Malformed events are dropped by the contract client, not applied.
    server.emit('engine:state', { state: 'on fire' });
    expect(store.getState().engineState).toBe('ready');

    stop();
    expect(server.listenerCount()).toBe(0);
  });

  it('marks the connection closed with the reason when the app side cannot be reached', async () => {
    const store = createAppStore();
    const unreachable: RawTransport = {
      send: async () => {
        throw new Error('cannot connect to ws://127.0.0.1:1/ws');
      },
      subscribe: () => () => undefined,
      subscribePreview: () => () => undefined,
    };
    startEngineSync(createContractClient(unreachable), store);
    await settle();
    expect(store.getState().connection).toBe('closed');
    expect(store.getState().connectionDetail).toBe('cannot connect to ws://127.0.0.1:1/ws');
  });
});
