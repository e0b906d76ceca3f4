import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { main } from '../main';

const dir = mkdtempSync(join(tmpdir(), 'cli-text-'));
const input = join(dir, 'in.png');

beforeAll(async () => {
  await ensureDemoModel(0);
  await sharp({ create: { width: 96, height: 64, channels: 3, background: '#4080c0' } })
    .png()
    .toFile(input);
});
afterEach(() => vi.restoreAllMocks());

/** Runs the CLI and returns its exit code with what it printed. */
async function capture(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('qwen-edit enhance / describe on the demo model', () => {
  it('enhance prints the suggestion and labels the demo model as random weights', async () => {
    const r = await capture([
      'enhance',
      '--image',
      input,
      '--prompt',
      'make it red',
      '--max-tokens',
      '4',
      '--json',
      '--threads',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/RANDOM weights/);
    const result = JSON.parse(r.out) as { demo: boolean; tokens: number[]; text: string };
    expect(result.demo).toBe(true);
    expect(result.tokens.length).toBeGreaterThan(0);
    expect(result.tokens.length).toBeLessThanOrEqual(4);
  });

  it('describe --ocr returns lines; same seed, same sample', async () => {
    const args = [
      'describe',
      '--image',
      input,
      '--ocr',
      '--max-tokens',
      '5',
      '--json',
      '--temperature',
      '1',
      '--seed',
      '3',
      '--threads',
      '1',
    ];
    const a = JSON.parse((await capture(args)).out) as { lines: unknown[]; tokens: number[] };
    const b = JSON.parse((await capture(args)).out) as { tokens: number[] };
    expect(Array.isArray(a.lines)).toBe(true);
    expect(a.tokens).toEqual(b.tokens);
  });

  it('refuses missing or bad options with a clear line', async () => {
    expect((await capture(['enhance', '--image', input])).code).toBe(2);
    expect((await capture(['describe'])).code).toBe(2);
    const bad = await capture(['enhance', '--prompt', 'x', '--top-p', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--top-p must be a number/);
  });
});
