import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { main } from '../main';
import { runCli } from '../testing/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'cli-edit-'));
const input = join(dir, 'in.png');

beforeAll(async () => {
  await ensureDemoModel(0);
  await sharp({ create: { width: 96, height: 64, channels: 3, background: '#4080c0' } })
    .png()
    .toFile(input);
});

describe('qwen-edit edit', () => {
  it('takes repeated --image on a Plus model: the first is the canvas, the rest are recorded as references', async () => {
    const model = await ensureDemoModel(0, 'edit-2511');
    const refs = [join(dir, 'ref-a.png'), join(dir, 'ref-b.png')];
    await sharp({ create: { width: 40, height: 80, channels: 3, background: '#c04020' } })
      .png()
      .toFile(refs[0]!);
    await sharp({ create: { width: 90, height: 30, channels: 3, background: '#20c040' } })
      .png()
      .toFile(refs[1]!);
    const out = join(dir, 'plus.png');
    const recipe = join(dir, 'plus.json');
    const args = ['edit', '--model', model, '--image', input, '--image', refs[0]!, '--image', refs[1]!];
    const common = [
      '--prompt',
      'Picture 2 on Picture 1',
      '--steps',
      '1',
      '--area',
      '16384',
      '--threads',
      '1',
    ];
    expect(await main([...args, ...common, '--seed', '3', '--out', out, '--recipe', recipe])).toBe(0);
    const saved = JSON.parse(readFileSync(recipe, 'utf8')) as { recipe: Record<string, unknown> };
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(saved.recipe).toMatchObject({
      variant: 'edit-2511',
      imageSha256: sha(input),
      referenceSha256: refs.map(sha),
      inputSize: { width: 96, height: 64 },
    });
    // The first release takes one image: refused, with the models that take more named.
    const one = await runCli(
      'edit',
      '--image',
      input,
      '--image',
      refs[0]!,
      ...common,
      '--out',
      join(dir, 'x.png'),
    );
    expect(one.code).toBe(1);
    expect(one.output).toMatch(/reference images need Qwen-Image-Edit-2509 or -2511/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('edits with the demo model and writes a PNG of the requested size; same seed, same bytes', async () => {
    const args = [
      'edit',
      '--image',
      input,
      '--prompt',
      'make it red',
      '--steps',
      '2',
      '--size',
      '128x96',
      // A small working area keeps three runs quick on the tiny model; the default is asserted below.
      '--area',
      '16384',
      '--threads',
      '1',
    ];
    expect(
      await main([...args, '--seed', '5', '--out', join(dir, 'a.png'), '--recipe', join(dir, 'a.json')]),
    ).toBe(0);
    expect(await main([...args, '--seed', '5', '--out', join(dir, 'b.png')])).toBe(0);
    expect(await main([...args, '--seed', '6', '--out', join(dir, 'c.png')])).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as {
      recipe: { seed: number; steps: number };
    };
    expect(saved.recipe).toMatchObject({
      seed: 5,
      steps: 2,
      prompt: 'make it red',
      outputSize: { width: 128, height: 96 },
      // The pipeline's own recipe, as the engine returns it to the app: what --size asked for, and CFG ran.
      requestedSize: { width: 128, height: 96 },
      area: 16384,
      outputMode: 'whole',
      pasteBack: null,
      cfgActive: true,
    });
    const meta = await sharp(join(dir, 'a.png')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 96]);
    expect(readFileSync(join(dir, 'a.png')).equals(readFileSync(join(dir, 'b.png')))).toBe(true);
    expect(readFileSync(join(dir, 'a.png')).equals(readFileSync(join(dir, 'c.png')))).toBe(false);
  });

  it('--size sets the output size only: the reference keeps the upstream working size', async () => {
    const recipePath = join(dir, 'sized.json');
    const args = [
      'edit',
      '--image',
      input,
      '--prompt',
      'x',
      '--steps',
      '1',
      '--seed',
      '3',
      '--size',
      '64x64',
    ];
    expect(
      await main([...args, '--threads', '1', '--out', join(dir, 'sized.png'), '--recipe', recipePath]),
    ).toBe(0);
    const { recipe } = JSON.parse(readFileSync(recipePath, 'utf8')) as { recipe: Record<string, unknown> };
    // 96x64 → calculate_dimensions(1024², 3/2): √(1048576·1.5) = 1254.1 → 39·32, 836.1 → 26·32.
    expect(recipe).toMatchObject({
      area: 1024 * 1024,
      workingSize: { width: 1248, height: 832 },
      outputSize: { width: 64, height: 64 },
      outputMode: 'whole',
    });
    expect((await sharp(join(dir, 'sized.png')).metadata()).width).toBe(64);
  }, 180_000);

  it('keeps pixels outside --box and reports bad options as errors', async () => {
    const out = join(dir, 'boxed.png');
    const code = await main([
      'edit',
      '--image',
      input,
      '--prompt',
      'x',
      '--steps',
      '1',
      '--size',
      '64x64',
      '--area',
      '16384',
      '--box',
      '10,10,30,20',
      '--seed',
      '1',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const original = await sharp(input).raw().toBuffer();
    const edited = await sharp(out).raw().toBuffer();
    expect(edited.subarray(0, 96 * 3 * 9).equals(original.subarray(0, 96 * 3 * 9))).toBe(true);
    // Refusals (exact messages in ../refusals.test.ts): a range error is a usage error (2), a missing
    // input a runtime failure (1).
    expect(await main(['edit', '--image', input, '--prompt', 'x', '--steps', '0'])).toBe(2);
    expect(await main(['edit', '--image', input, '--prompt', 'x', '--cfg', '-1'])).toBe(2);
    expect(
      await main([
        'edit',
        '--image',
        join(dir, 'missing.png'),
        '--prompt',
        'x',
        '--steps',
        '1',
        '--seed',
        '1',
      ]),
    ).toBe(1);
    expect(await main(['edit', '--prompt', 'x'])).toBe(2);
    expect(existsSync(join(dir, 'in-edit-1.png'))).toBe(false);
  });

  it('writes the format --out names, and replaces an existing file only with --overwrite', async () => {
    const args = [
      'edit',
      '--image',
      input,
      '--prompt',
      'x',
      '--steps',
      '1',
      '--size',
      '64x64',
      '--area',
      '16384',
      '--seed',
      '3',
    ];
    for (const [name, format] of [
      ['a.jpg', 'jpeg'],
      ['a.JPEG', 'jpeg'],
      ['a.webp', 'webp'],
      ['a.png', 'png'],
    ] as const) {
      const out = join(dir, 'formats', name);
      mkdirSync(dirname(out), { recursive: true });
      expect(await main([...args, '--out', out])).toBe(0);
      const meta = await sharp(out).metadata();
      expect([name, meta.format, meta.width, meta.height]).toEqual([name, format, 64, 64]);
    }
    const out = join(dir, 'formats', 'a.png');
    const first = readFileSync(out);
    const refused = await runCli(...args, '--seed', '4', '--out', out);
    expect(refused).toMatchObject({
      code: 1,
      stderr: `qwen-edit edit: ${out} exists (pass --overwrite to replace it)`,
    });
    expect(readFileSync(out).equals(first)).toBe(true);
    const replaced = await runCli(...args, '--seed', '4', '--out', out, '--overwrite');
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(new RegExp(`^${out}: 64x64, seed 4, 1 steps`));
    expect(readFileSync(out).equals(first)).toBe(false);
  });

  it('without --out, names the output after the seed it reports, beside the input', async () => {
    const small = ['--size', '64x64', '--area', '16384'];
    const result = await runCli('edit', '--image', input, '--prompt', 'x', '--steps', '1', ...small);
    expect(result.code).toBe(0);
    const seed = /seed (\d+),/.exec(result.stdout)?.[1];
    expect(result.stdout.startsWith(`${join(dir, `in-edit-${seed}.png`)}: `)).toBe(true);
    expect(existsSync(join(dir, `in-edit-${seed}.png`))).toBe(true);
  });
});
