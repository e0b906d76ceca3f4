import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTinyModel } from '../../src/tiny/tiny-model';
import { main } from '../main';
import { flipByteKeepingMtime } from '../../src/testing/flip-byte';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cli-verify-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  try {
    return { code: await main(argv), output: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('qwen-edit verify', () => {
  it('passes an intact folder and names the file when one byte flipped under an unchanged mtime', async () => {
    const dir = join(scratch, 'model');
    await cp(await ensureTinyModel(0), dir, { recursive: true });
    expect(await cli('verify', dir)).toMatchObject({ code: 0, output: expect.stringContaining(': ok (') });

    const data = join(dir, 'transformer', 'transformer.onnx.data');
    await flipByteKeepingMtime(data, 12);
    expect(await cli('verify', dir)).toMatchObject({
      code: 1,
      output: expect.stringMatching(/transformer\/transformer\.onnx\.data: sha256 mismatch/),
    });
  });
});
