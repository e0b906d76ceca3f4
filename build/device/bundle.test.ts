/**
 * The device bundle (issue 14 item 4) built as `npm run bundle:device` builds it, unpacked with the one
 * documented command, and its check run here on the CPU at a tiny sequence: the archive must fit the
 * limit and the check must run without this checkout (no node_modules, no tsx) and print its JSON line.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_BUNDLE_LIMIT } from './bundle-limit.mjs';

const root = join(import.meta.dirname, '..', '..');

type Check = {
  providers: { listed: { name: string }[]; started: Record<string, { ok: boolean; error?: string }> };
  tinyEdit: Record<string, { ok: boolean; placement?: Record<string, { nodes: Record<string, number> }> }>;
  fullWidthBlock: Record<string, unknown>;
};

describe('device bundle', () => {
  it('fits the limit, unpacks with tar and runs its check on the CPU without the checkout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'device-bundle-test-'));
    try {
      // No Vulkan packages: apt may be offline here, and the loader is not what this test checks.
      execFileSync(process.execPath, [join(root, 'build/device/bundle.mjs'), '--out', dir, '--no-vulkan'], {
        stdio: 'pipe',
      });
      const archive = join(dir, 'qwen-edit-device.tar.xz');
      expect((await stat(archive)).size).toBeLessThanOrEqual(DEVICE_BUNDLE_LIMIT);
      execFileSync('tar', ['xJf', archive], { cwd: dir });

      const run = spawnSync(
        join(dir, 'qwen-edit-device', 'run.sh'),
        ['--providers', 'cpu,webgpu', '--sides', '32', '--text-tokens', '8'],
        // A PATH without node and a cwd outside the checkout: only the bundle's own files can serve.
        {
          cwd: dir,
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: dir },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      const check = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Check;

      expect(check.providers.listed.map((p) => p.name)).toEqual(expect.arrayContaining(['cpu', 'webgpu']));
      expect(check.providers.started.cpu!.ok).toBe(true);
      // WebGPU either started or said why (no adapter on a machine without a GPU).
      const webgpu = check.providers.started.webgpu!;
      expect(webgpu.ok || /adapter|vulkan|driver/i.test(webgpu.error ?? '')).toBe(true);

      expect(check.tinyEdit.cpu!.ok).toBe(true);
      // ORT's verbose placement log sometimes never reaches the pipe from a short-lived child (device-check.ts
      // retries it): every reading that came back is all-CPU, and the big graphs' readings came back.
      const placements = check.tinyEdit.cpu!.placement!;
      for (const placement of Object.values(placements))
        expect(Object.keys(placement.nodes).filter((p) => p !== 'CPUExecutionProvider')).toEqual([]);
      expect(Object.keys(placements.transformer!.nodes)).toEqual(['CPUExecutionProvider']);
      expect(check.fullWidthBlock).toMatchObject({
        width: 3072,
        '32/fp32/cpu': { tokens: { image: 8, text: 8 }, gflops: expect.any(Number), maxRelVsFirst: 0 },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
