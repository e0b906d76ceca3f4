import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyCheckpoint } from '../../src/tiny/ensure';
import { runCli } from '../testing/run-cli';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cli-convert-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const cli = runCli;

describe('qwen-edit make-tiny and convert', () => {
  it('make-tiny writes the same checkpoint as the cache generator', async () => {
    const dir = join(out, 'tiny');
    const result = await cli('make-tiny', '--out', dir, '--seed', '0');
    expect(result).toMatchObject({ code: 0 });
    const cached = await ensureTinyCheckpoint(0);
    for (const file of [
      'transformer/diffusion_pytorch_model-00002-of-00002.safetensors',
      'text_encoder/config.json',
      'vae/diffusion_pytorch_model.safetensors',
    ]) {
      expect((await readFile(join(dir, file))).equals(await readFile(join(cached, file))), file).toBe(true);
    }
    expect((await cli('make-tiny', '--out', dir)).output).toMatch(/is not empty/);
  });

  it("make-tiny --variant writes each release's config keys; an unknown variant is a usage error", async () => {
    for (const [variant, pipeline, zeroCond] of [
      ['edit-2509', 'QwenImageEditPlusPipeline', undefined],
      ['edit-2511', 'QwenImageEditPlusPipeline', true],
    ] as const) {
      const dir = join(out, `tiny-${variant}`);
      expect(await cli('make-tiny', '--out', dir, '--variant', variant)).toMatchObject({ code: 0 });
      const index = JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const config = JSON.parse(await readFile(join(dir, 'transformer/config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(index._class_name).toBe(pipeline);
      expect(config.zero_cond_t).toBe(zeroCond);
    }
    const bad = await cli('make-tiny', '--out', join(out, 'tiny-bad'), '--variant', 'edit-2512');
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--variant must be one of edit, edit-2509, edit-2511, got 'edit-2512'/);
  });

  it('convert builds a model folder; its progress total is fixed up front; its summary matches du', async () => {
    const to = join(out, 'model');
    const result = await cli(
      'convert',
      '--from',
      await ensureTinyCheckpoint(0),
      '--to',
      to,
      '--precision',
      'int8',
      '--block-size',
      '64',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /text, vision, transformer, modulation, vae_encoder, vae_decoder, generator at int8/,
    );
    const manifest = JSON.parse(await readFile(join(to, 'model.json'), 'utf8')) as {
      precision: string;
      blockSize: number;
    };
    expect(manifest).toMatchObject({ precision: 'int8', blockSize: 64 });
    // Every progress line shows the same total, the done part never goes back, and it ends at 100%.
    const lines = result.stderr.split(/[\r\n]/).filter((l) => l.includes('% '));
    const parsed = lines.map((l) => /(\d+)% ([\d.]+) MB \/ ([\d.]+) MB/.exec(l)!.slice(1).map(Number));
    expect(parsed.length).toBeGreaterThanOrEqual(7);
    expect(new Set(parsed.map((p) => p[2])).size).toBe(1);
    for (let k = 1; k < parsed.length; k++) expect(parsed[k]![1]).toBeGreaterThanOrEqual(parsed[k - 1]![1]!);
    expect(parsed.at(-1)![0]).toBe(100);
    expect(parsed.at(-1)![1]).toBe(parsed[0]![2]);
    // The summary's sizes are du's: -sh (allocated, 1024-based, rounded up) and -sb (apparent bytes).
    const duH = execFileSync('du', ['-sh', to], { encoding: 'utf8' }).split('\t')[0];
    const duB = Number(execFileSync('du', ['-sb', to], { encoding: 'utf8' }).split('\t')[0]);
    expect(result.stdout).toContain(
      `; ${duH} on disk (du -sh), ${duB.toLocaleString('en-US')} bytes apparent (du -sb), `,
    );
  });
});
