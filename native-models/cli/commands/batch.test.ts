import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { main } from '../main';
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
    const summary = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as { status: string }[];
    expect(summary.map((r) => r.status)).toEqual(['done', 'failed', 'done']);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(2);
    // Second run: the two finished rows are skipped, the failing one is retried (and fails again).
    expect(await main(args)).toBe(1);
    const again = JSON.parse(readFileSync(join(out, 'batch-summary.json'), 'utf8')) as { status: string }[];
    expect(again.map((r) => r.status).sort()).toEqual(['failed', 'skipped', 'skipped']);
  });

  it('edits every image of a folder with one prompt', async () => {
    const out = join(dir, 'folder-out');
    expect(
      await main([
        'batch',
        '--dir',
        dir,
        '--prompt',
        'invert',
        '--seed',
        '4',
        '--out',
        out,
        '--steps',
        '1',
        '--size',
        '64x64',
        '--area',
        '16384',
      ]),
    ).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  });
});
