import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import type { ComponentPlugin } from './component';
import { COMPONENTS } from './components';
import { convertCheckpoint } from './convert';
import type { ProgressSink } from './progress';

let out: string;
let from: string;
let reference: Record<string, { sha256: string }>;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'convert-resume-'));
  from = await ensureTinyCheckpoint(0);
  reference = (await convertCheckpoint(from, join(out, 'reference'), { precision: 'int8' })).files;
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The converter's components, noting which ones really build. */
function counted(built: string[]): ComponentPlugin[] {
  return COMPONENTS.map((p) => ({
    ...p,
    build: (...args: Parameters<ComponentPlugin['build']>) => {
      built.push(p.name);
      return p.build(...args);
    },
  }));
}

/** A progress sink that cancels when `stage` starts. */
function cancelAt(stage: string, controller: AbortController): ProgressSink {
  return {
    stage: (label) => {
      if (label === stage) controller.abort();
    },
    update: () => undefined,
    finish: () => undefined,
  };
}

const partial = (name: string) => join(out, `.${name}.partial`);

describe('conversion cancel and resume per component', () => {
  it('a cancelled conversion keeps its finished components and the next run builds only the rest', async () => {
    const to = join(out, 'cancelled');
    const controller = new AbortController();
    const first: string[] = [];
    await expect(
      convertCheckpoint(from, to, {
        precision: 'int8',
        components: counted(first),
        signal: controller.signal,
        progress: cancelAt('transformer', controller),
      }),
    ).rejects.toThrow(/abort/i);
    expect(first).toEqual(['text', 'vision', 'transformer']);
    expect(await readdir(out)).not.toContain('cancelled');
    const record = JSON.parse(await readFile(join(partial('cancelled'), '.resume.json'), 'utf8')) as {
      components: object;
    };
    expect(Object.keys(record.components)).toEqual(['text', 'vision']);

    const second: string[] = [];
    const manifest = await convertCheckpoint(from, to, { precision: 'int8', components: counted(second) });
    expect(second).toEqual(['transformer', 'modulation', 'vae_encoder', 'vae_decoder', 'generator']);
    expect(manifest.files).toEqual(reference);
    expect(await readdir(out)).not.toContain('.cancelled.partial');
    expect((await readdir(to)).filter((f) => f.startsWith('.'))).toEqual(['.verified.json']);
  });

  it('a kept component whose file changed is built again; other inputs start over', async () => {
    const to = join(out, 'damaged');
    const controller = new AbortController();
    const options = { precision: 'int8', signal: controller.signal } as const;
    await expect(
      convertCheckpoint(from, to, { ...options, progress: cancelAt('transformer', controller) }),
    ).rejects.toThrow(/abort/i);
    const data = join(partial('damaged'), 'vision', 'model.onnx.data');
    const bytes = await readFile(data);
    bytes[100]! ^= 0xff;
    await writeFile(data, bytes);
    const again: string[] = [];
    await expect(
      convertCheckpoint(from, to, {
        precision: 'int8',
        components: counted(again),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    // Aborted at its first tensor: the damaged 'vision' was found by its hash and started again.
    const built: string[] = [];
    const manifest = await convertCheckpoint(from, to, { precision: 'int8', components: counted(built) });
    expect(built).toEqual(['vision', 'transformer', 'modulation', 'vae_encoder', 'vae_decoder', 'generator']);
    expect(manifest.files).toEqual(reference);

    const other: string[] = [];
    const control = new AbortController();
    await expect(
      convertCheckpoint(from, join(out, 'other'), {
        precision: 'int8',
        signal: control.signal,
        progress: cancelAt('vision', control),
      }),
    ).rejects.toThrow(/abort/i);
    await convertCheckpoint(from, join(out, 'other'), { precision: 'int4', components: counted(other) });
    expect(other).toContain('text');
  });

  it('a killed conversion resumes after the components it finished, taking over its lock', async () => {
    const to = join(out, 'killed');
    const script = fileURLToPath(new URL('./testing/convert-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, from, to, 'int8'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Killed as soon as the transformer starts: text and vision are finished and recorded by then.
    await new Promise<void>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (data: Buffer) => {
        buffered += data.toString();
        if (buffered.includes('stage transformer\n')) resolve();
      });
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await readFile(join(partial('killed'), '.lock'), 'utf8')).toBe(String(child.pid));

    const built: string[] = [];
    const manifest = await convertCheckpoint(from, to, { precision: 'int8', components: counted(built) });
    expect(built).toEqual(['transformer', 'modulation', 'vae_encoder', 'vae_decoder', 'generator']);
    expect(manifest.files).toEqual(reference);
  });
});
