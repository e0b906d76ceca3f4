/** The status bar's "Verify": the engine re-hashes every model file, and the status bar shows the verdict. */
import type { ContractClient } from '../../../electron/shared/client';
import type { AppStore } from '../state/appStore';

let runs = 0;

export async function verifyModel(client: Pick<ContractClient, 'request'>, store: AppStore): Promise<void> {
  store.getState().setActivity('Verifying the model files…');
  try {
    const result = await client.request('model:verify', { jobId: `verify-model-${++runs}` });
    if (!result.ok) {
      store.getState().pushNotice({
        tone: 'error',
        title: "Couldn't verify the model",
        message: result.error.message || result.error.code,
      });
      return;
    }
    const model = result.value;
    const info = store.getState().info;
    if (info) store.getState().setEngineInfo({ ...info, model });
    store.getState().pushNotice(
      model.status === 'invalid'
        ? { tone: 'error', title: 'The model files are damaged', message: model.detail }
        : {
            tone: 'info',
            title: 'Model verified',
            message: 'Every model file matches the hash recorded for it.',
          },
    );
  } finally {
    store.getState().setActivity(null);
  }
}
