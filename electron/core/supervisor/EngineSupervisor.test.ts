import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../shared/dispatcher';
import { createAppHandlers } from '../appHandlers';
import { tinyPng } from '../projects/testing/tinyPng';
import { EngineSupervisor } from './EngineSupervisor';
import { forkEngine } from './forkEngine';

/** These tests run the real engine host process with the real onnxruntime-node. */
describe('EngineSupervisor with a real engine process', () => {
  const events: Array<{ name: string; payload: unknown }> = [];
  const supervisor = new EngineSupervisor(
    forkEngine({ env: { QWEN_EDIT_MODEL_DIR: '/nonexistent/model' } }),
    {
      appVersion: '9.9.9',
      restartDelayMs: 50,
      onEvent: (name, payload) => events.push({ name, payload }),
    },
  );
  const dispatch = createDispatcher(createAppHandlers(supervisor));

  beforeAll(async () => {
    supervisor.start();
    await supervisor.whenReady();
  });
  afterAll(() => supervisor.stop());

  it('reports the onnxruntime version, the cpu provider and the model folder status', async () => {
    const info = await dispatch('engine:info', {});
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    const value = info.value as ReturnType<EngineSupervisor['info']>;
    expect(value.ortVersion).toMatch(/^1\.\d+\.\d+/);
    expect(value.providers.map((p) => p.name)).toContain('cpu');
    expect(value.model).toMatchObject({ folder: '/nonexistent/model', status: 'demo' });
    expect(value.appVersion).toBe('9.9.9');
    expect(value.pid).toBeGreaterThan(0);
  });

  it('answers within 100 ms while the engine is blocked in a multi-second ONNX session', async () => {
    const job = dispatch('engine:selftest', { jobId: 'busy-1', seconds: 3 });
    await waitFor(() => supervisor.info().state === 'busy');
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const [ping, info] = await Promise.all([dispatch('app:ping', {}), dispatch('engine:info', {})]);
      latencies.push(performance.now() - t0);
      expect(ping.ok && info.ok).toBe(true);
      if (info.ok) expect((info.value as { state: string }).state).toBe('busy');
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = await job;
    expect(done.ok).toBe(true);
    if (done.ok) expect((done.value as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(3000);
    // The engine was busy for the whole sampling window, yet every answer came back fast.
    expect(Math.max(...latencies)).toBeLessThan(100);
  });

  it('relays cancel: the job stops between runs with CANCELLED and the next job runs', async () => {
    const job = dispatch('engine:selftest', { jobId: 'cancel-me', seconds: 60 });
    await waitFor(() =>
      events.some((e) => e.name === 'job:progress' && (e.payload as { jobId: string }).jobId === 'cancel-me'),
    );
    const cancel = await dispatch('job:cancel', { jobId: 'cancel-me' });
    expect(cancel).toEqual({ ok: true, value: { cancelled: true } });
    const result = await job;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('CANCELLED');
    const again = await dispatch('engine:selftest', { jobId: 'after-cancel', seconds: 0 });
    expect(again.ok).toBe(true);
  });

  it('answers a second edit while one runs with ENGINE_BUSY, then runs edits again once it is done', async () => {
    const settings = {
      prompt: 'make it red',
      negativePrompt: '',
      seed: 1,
      cfg: 1,
      steps: 150,
      size: { width: 64, height: 64 },
      // The reference's working area too (upstream's is 1024², whatever the output size).
      area: 64 * 64,
      region: null,
      feather: 0,
    };
    const image = tinyPng(1);
    const first = supervisor.request('engine:edit', { jobId: 'edit-first', image, settings });
    await waitFor(() =>
      events.some(
        (e) => e.name === 'job:progress' && (e.payload as { jobId: string }).jobId === 'edit-first',
      ),
    );
    const second = await supervisor.request('engine:edit', { jobId: 'edit-second', image, settings });
    expect(second).toMatchObject({ ok: false, error: { code: 'ENGINE_BUSY' } });
    expect(supervisor.cancel('edit-first')).toBe(true);
    expect(await first).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const after = await supervisor.request('engine:edit', {
      jobId: 'edit-after',
      image,
      settings: { ...settings, steps: 1 },
    });
    expect(after.ok).toBe(true);
    // The stages each edit reported: only the first opened the model; the last step is followed by decoding.
    const stages = (jobId: string) =>
      events
        .map((e) => e.payload as { jobId: string; stage?: string; step: number })
        .filter((p) => p.jobId === jobId)
        .map((p) => (p.stage === 'denoising' ? `step ${p.step}` : p.stage));
    expect(stages('edit-first').slice(0, 2)).toEqual(['loading-model', 'encoding']);
    expect(stages('edit-after')).toEqual(['encoding', 'step 1', 'decoding']);
  });

  it('turns an engine crash mid-job into ENGINE_CRASHED and restarts the engine', async () => {
    const before = supervisor.info();
    const job = dispatch('engine:selftest', { jobId: 'crash-1', seconds: 60 });
    await waitFor(() => supervisor.info().state === 'busy');
    process.kill(before.pid!, 'SIGKILL');
    const result = await job;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('ENGINE_CRASHED');
    await waitFor(() => supervisor.info().state === 'ready');
    const after = supervisor.info();
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.pid).not.toBe(before.pid);
    expect(
      events.some(
        (e) => e.name === 'engine:state' && (e.payload as { state: string }).state === 'restarting',
      ),
    ).toBe(true);
    const next = await dispatch('engine:selftest', { jobId: 'after-crash', seconds: 0 });
    expect(next.ok).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
