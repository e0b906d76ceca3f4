import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setActive } from './library';
import { applyRuntimeSettings, readRuntimeSettings, writeRuntimeSettings } from './runtime-settings';

describe('runtime settings in the library', () => {
  it('persist beside the active model and become the engine environment unless already set', async () => {
    const root = await mkdtemp(join(tmpdir(), 'settings-'));
    try {
      expect(await readRuntimeSettings(root)).toEqual({
        provider: 'auto',
        gpuDevice: 0,
        memoryPolicy: 'resident',
      });
      await writeRuntimeSettings(root, { provider: 'cuda', gpuDevice: 1, memoryPolicy: 'low-memory' });
      await setActive(root, '(demo)');
      expect(await readRuntimeSettings(root)).toEqual({
        provider: 'cuda',
        gpuDevice: 1,
        memoryPolicy: 'low-memory',
      });
      const env: NodeJS.ProcessEnv = { QWEN_EDIT_EP: 'cpu' };
      applyRuntimeSettings(root, env);
      expect(env).toEqual({ QWEN_EDIT_EP: 'cpu', QWEN_EDIT_GPU: '1', QWEN_EDIT_MEMORY: 'low-memory' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
