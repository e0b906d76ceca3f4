import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTinyCheckpoint } from '../../src/tiny/ensure';
import { main } from '../main';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cli-convert-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** Runs the CLI in-process, capturing what it prints. */
async function cli(...argv: string[]) {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(argv), output: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

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

  it('convert builds a model folder and reports it', async () => {
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
    expect(result.output).toMatch(/text, vision, transformer, vae_encoder, vae_decoder, generator at int8/);
    const manifest = JSON.parse(await readFile(join(to, 'model.json'), 'utf8')) as {
      precision: string;
      blockSize: number;
    };
    expect(manifest).toMatchObject({ precision: 'int8', blockSize: 64 });
  });

  it('refuse bad arguments with a clear message', async () => {
    expect((await cli('convert', '--from', 'x')).code).toBe(2);
    const bad = await cli('convert', '--from', 'x', '--to', join(out, 'y'), '--precision', 'fp16');
    expect(bad).toEqual({
      code: 1,
      output: "qwen-edit convert: --precision must be one of fp32, bf16, int8, int4, got 'fp16'",
    });
    const block = await cli(
      'convert',
      '--from',
      'x',
      '--to',
      join(out, 'y'),
      '--precision',
      'int4',
      '--block-size',
      '48',
    );
    expect(block.output).toMatch(/--block-size must be one of 32, 64, 128/);
    const missing = await cli('convert', '--from', join(out, 'nowhere'), '--to', join(out, 'y'));
    expect(missing.output).toMatch(/nowhere\/model_index\.json: file not found/);
  });
});
