import { describe, expect, it } from 'vitest';
import { createContractClient, type RawTransport } from '../../../electron/shared/client';
import type { EngineInfo } from '../../../electron/shared/contract';
import { createDispatcher } from '../../../electron/shared/dispatcher';
import { createAppStore } from '../state/appStore';
import { verifyModel } from './verifyModel';

const info: EngineInfo = {
  appVersion: '1',
  ortVersion: '1.22.0',
  providers: [],
  model: { folder: '/m', status: 'ready', detail: 'converted model (fp32)' },
  state: 'ready',
  pid: 1,
  restarts: 0,
};

/** A client over the real dispatcher whose `model:verify` answers `verdict`. */
function setup(verdict: EngineInfo['model']) {
  const dispatch = createDispatcher({ 'model:verify': async () => verdict });
  const transport: RawTransport = {
    send: (method, params) => dispatch(method, params),
    subscribe: () => () => undefined,
    subscribePreview: () => () => undefined,
  };
  const store = createAppStore();
  store.getState().setEngineInfo(info);
  return { store, client: createContractClient(transport) };
}

describe('verifyModel', () => {
  it('puts an invalid verdict in the status bar and says what is damaged', async () => {
    const detail = '/m/vision/model.onnx.data: sha256 mismatch';
    const { store, client } = setup({ folder: '/m', status: 'invalid', detail });
    await verifyModel(client, store);
    expect(store.getState().info?.model).toEqual({ folder: '/m', status: 'invalid', detail });
    expect(store.getState().notices).toMatchObject([
      { tone: 'error', title: 'The model files are damaged', message: detail },
    ]);
    expect(store.getState().activity).toBeNull();
  });

  it('says so when every file matches', async () => {
    const { store, client } = setup(info.model);
    await verifyModel(client, store);
    expect(store.getState().notices).toMatchObject([{ tone: 'info', title: 'Model verified' }]);
  });
});
