/** The status bar's "Verify" through the contract: the real engine process re-hashes a real model folder. */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../../../native-models/src/tiny/tiny-model';
import { createDispatcher } from '../../shared/dispatcher';
import { createAppHandlers } from '../appHandlers';
import { EngineSupervisor } from './EngineSupervisor';
import { forkEngine } from './forkEngine';
import { flipByteKeepingMtime } from '../../../native-models/src/testing/flip-byte';

let modelDir: string;
let supervisor: EngineSupervisor;
let dispatch: ReturnType<typeof createDispatcher>;
beforeAll(async () => {
  modelDir = await mkdtemp(join(tmpdir(), 'qe-verify-'));
  await cp(await ensureTinyModel(0), modelDir, { recursive: true });
  supervisor = new EngineSupervisor(forkEngine({ env: { QWEN_EDIT_MODEL_DIR: modelDir } }), {
    appVersion: 't',
  });
  dispatch = createDispatcher(createAppHandlers(supervisor));
  supervisor.start();
  await supervisor.whenReady();
}, 120_000);
afterAll(() => supervisor.stop());

describe('model:verify', () => {
  it('re-hashes the folder: ready while intact, invalid with the file named after a byte flips under the same mtime', async () => {
    expect(await dispatch('engine:info', {})).toMatchObject({
      ok: true,
      value: { model: { status: 'ready' } },
    });
    expect(await dispatch('model:verify', { jobId: 'verify-1' })).toMatchObject({
      ok: true,
      value: { status: 'ready' },
    });

    const data = join(modelDir, 'vision', 'model.onnx.data');
    await flipByteKeepingMtime(data, 7);

    const invalid = {
      status: 'invalid',
      detail: expect.stringContaining('vision/model.onnx.data: sha256 mismatch'),
    };
    expect(await dispatch('model:verify', { jobId: 'verify-2' })).toMatchObject({ ok: true, value: invalid });
    expect(await dispatch('engine:info', {})).toMatchObject({ ok: true, value: { model: invalid } });
  });
});
