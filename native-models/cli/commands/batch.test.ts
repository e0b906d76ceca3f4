import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { main } from '../main';
import { runCli } from '../testing/run-cli';
import { parseCsv } from './batch';

const dir = mkdtempSync(join(tmpdir(), 'cli-batch-'));

beforeAll(async () => {
  await ensureDemoModel(0);
  for (const [name, colour] of [
    ['one.png', '#ff0000'],
    ['two.png', '#00ff00'],
  ] as const) {
    await sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
      .png()
      .toFile(join(dir, name));
  }
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, commas and newlines inside fields, CRLF and blank lines', () => {
    expect(
      parseCsv('image,prompt,seed\r\na.png,"make it ""red"", please",3\n\nb.png,"two\nlines",\n'),
    ).toEqual([
      ['image', 'prompt', 'seed'],
      ['a.png', 'make it "red", please', '3'],
      ['b.png', 'two\nlines', ''],
    ]);
  });
});

describe('qwen-edit batch', () => {
  it('runs on a Plus model (2511) too: every image of a folder as its own canvas', async () => {
    const model = await ensureDemoModel(0, 'edit-2511');
    const out = join(dir, 'out-plus');
    const args = ['batch', '--dir', dir, '--prompt', 'make it blue', '--out', out, '--model', model];
    const run = ['--steps', '1', '--area', '16384', '--seed', '4', '--threads', '1'];
    expect(await main([...args, ...run])).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as {
      status: string;
    }[];
    expect(summary.map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('runs every row, keeps going past a failure, summarises, and skips finished rows when run again', async () => {
    const csv = join(dir, 'rows.csv');
    writeFileSync(
      csv,
      'image,prompt,seed\none.png,make it blue,1\nmissing.png,whatever,2\ntwo.png,"make it ""gold""",3\n',
    );
    const out = join(dir, 'out');
    const args = [
      'batch',
      '--csv',
      csv,
      '--out',
      out,
      '--steps',
      '1',
      '--size',
      '64x64',
      '--area',
      '16384',
      '--threads',
      '1',
    ];
    expect(await main(args)).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as {
      status: string;
      seed: number;
      error?: string;
    }[];
    expect(summary.map((r) => [r.status, r.seed])).toEqual([
      ['done', 1],
      ['failed', 2],
      ['done', 3],
    ]);
    expect(summary[1]!.error).toBe(`cannot read ${join(dir, 'missing.png')}: no such file or folder`);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(2);
    // Second run: the two finished rows are skipped, the failing one is retried (and fails again).
    expect(await main(args)).toBe(1);
    const again = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as { status: string }[];
    expect(again.map((r) => r.status).sort()).toEqual(['failed', 'skipped', 'skipped']);
  });

  it('edits every image of a folder with one prompt; without --seed, resumable with derived, recorded seeds', async () => {
    const out = join(dir, 'folder-out');
    const args = [
      'batch',
      '--dir',
      dir,
      '--prompt',
      'invert',
      '--out',
      out,
      '--steps',
      '1',
      '--size',
      '64x64',
      '--area',
      '16384',
    ];
    expect(await main(args)).toBe(0);
    type Summary = { image: string; seed: number; status: string; output: string }[];
    const first = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as Summary;
    // Each row's seed is the first 32 bits of sha256(file name, NUL, prompt), and names its output.
    const expected = ['one.png', 'two.png'].map((f) =>
      createHash('sha256').update(`${f}\0invert`).digest().readUInt32BE(0),
    );
    expect(first.map((r) => [basename(r.image), r.seed, r.status])).toEqual([
      ['one.png', expected[0], 'done'],
      ['two.png', expected[1], 'done'],
    ]);
    expect(first.map((r) => basename(r.output).split('-')[1])).toEqual(expected.map(String));
    const pngs = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(pngs).toHaveLength(2);
    const bytes = pngs.map((f) => readFileSync(join(out, f)));
    // Run again: the same seeds are derived, so every row is found done and nothing runs.
    const again = await runCli(...args);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^batch: 0 done, 2 skipped \(already done\), 0 failed;/);
    expect(again.output).not.toMatch(/demo model/);
    const second = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as Summary;
    expect(second.map((r) => [r.seed, r.status])).toEqual(expected.map((seed) => [seed, 'skipped']));
    expect(pngs.map((f) => readFileSync(join(out, f)).equals(bytes[pngs.indexOf(f)]!))).toEqual([true, true]);
  });

  it('writes the --format asked for', async () => {
    const out = join(dir, 'webp-out');
    const args = [
      'batch',
      '--dir',
      dir,
      '--prompt',
      'x',
      '--seed',
      '2',
      '--out',
      out,
      '--steps',
      '1',
      '--size',
      '64x64',
      '--area',
      '16384',
      '--format',
      'webp',
    ];
    expect(await main(args)).toBe(0);
    const files = readdirSync(out).filter((f) => f !== 'batch-summary.json');
    expect(files).toHaveLength(2);
    for (const f of files)
      expect([f, (await sharp(join(out, f)).metadata()).format]).toEqual([
        expect.stringMatching(/-2-[0-9a-f]{8}\.webp$/),
        'webp',
      ]);
  });
});
