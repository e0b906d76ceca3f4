/**
 * Every refusal of the command line (issue 13 §5): the exact one-line message, the exit code (2 for the
 * command line, 1 for files), and nothing written — no output, no folder, and no model loaded (the demo
 * model's note is printed only when a model loads).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'cli-refusals-'));
const input = join(dir, 'in.png');
const images = join(dir, 'images');
const noImages = join(dir, 'no-images');
const aFile = join(dir, 'a-file');
let before: string[];

beforeAll(async () => {
  await sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } })
    .png()
    .toFile(input);
  mkdirSync(images);
  await sharp(input).toFile(join(images, 'one.png'));
  mkdirSync(noImages);
  writeFileSync(join(noImages, 'notes.txt'), 'not an image');
  writeFileSync(aFile, 'a file, not a folder');
  writeFileSync(join(dir, 'exists.png'), 'keep me');
  before = listing();
});

const listing = () => readdirSync(dir, { recursive: true }).map(String).sort();
const usage = (command: string, message: string) =>
  `qwen-edit ${command}: ${message} (try 'qwen-edit ${command} --help')`;

/** Runs the CLI and checks it refused with exactly `message` and `code`, wrote nothing and loaded nothing. */
async function refuses(argv: string[], code: 1 | 2, message: string) {
  const result = await runCli(...argv);
  expect(result, argv.join(' ')).toEqual({ code, stdout: '', stderr: message, output: message });
  expect(listing(), argv.join(' ')).toEqual(before);
  expect(readFileSync(join(dir, 'exists.png'), 'utf8')).toBe('keep me');
}

const edit = (...more: string[]) => ['edit', '--image', input, '--prompt', 'make it red', ...more];

describe('qwen-edit refuses a bad command line before loading anything (exit code 2)', () => {
  it('checks numbers before the model: a bad --cfg is named even when --model does not exist', async () => {
    await refuses(
      edit('--cfg', 'abc', '--model', join(dir, 'no-model')),
      2,
      usage('edit', "--cfg must be a number, got 'abc'"),
    );
  });

  it('parses negative numbers and checks them against the edit vocabulary', async () => {
    await refuses(
      edit('--steps', '-5'),
      2,
      usage('edit', '--steps must be an integer from 1 to 150, got -5'),
    );
    await refuses(edit('--steps=-5'), 2, usage('edit', '--steps must be an integer from 1 to 150, got -5'));
    await refuses(
      edit('--steps', '2.5'),
      2,
      usage('edit', '--steps must be an integer from 1 to 150, got 2.5'),
    );
    await refuses(edit('--cfg', '-1'), 2, usage('edit', '--cfg must be from 1 to 30, got -1'));
    await refuses(edit('--cfg', '31'), 2, usage('edit', '--cfg must be from 1 to 30, got 31'));
    await refuses(
      edit('--seed', '-1'),
      2,
      usage('edit', '--seed must be an integer from 0 to 4294967295, got -1'),
    );
    await refuses(
      edit('--seed', '4294967296'),
      2,
      usage('edit', '--seed must be an integer from 0 to 4294967295, got 4294967296'),
    );
    await refuses(edit('--feather', '-0.5'), 2, usage('edit', '--feather must be from 0 to 512, got -0.5'));
    await refuses(
      edit('--threads', '0'),
      2,
      usage('edit', '--threads must be an integer from 1 to 1024, got 0'),
    );
    await refuses(
      edit('--size', '8x8'),
      2,
      usage('edit', "--size sides must be from 16 to 4096 pixels, got '8x8'"),
    );
    await refuses(edit('--size', '-64x64'), 2, usage('edit', "--size must look like 512x512, got '-64x64'"));
    await refuses(
      edit('--box', '1,2,3'),
      2,
      usage('edit', "--box must be x,y,w,h in whole pixels (w and h at least 1), got '1,2,3'"),
    );
    await refuses(
      edit('--box', '-1,0,4,4'),
      2,
      usage('edit', "--box must be x,y,w,h in whole pixels (w and h at least 1), got '-1,0,4,4'"),
    );
    await refuses(
      edit('--provider', 'gpu'),
      2,
      usage('edit', "--provider must be one of auto, cuda, cpu, got 'gpu'"),
    );
  });

  it('names missing options, unknown options and options without their value', async () => {
    await refuses(['edit'], 2, usage('edit', 'missing --image and --prompt'));
    await refuses(['edit', '--prompt', 'x'], 2, usage('edit', 'missing --image'));
    await refuses(['edit', '--image', input], 2, usage('edit', 'missing --prompt'));
    await refuses(edit('--stpes', '3'), 2, usage('edit', "unknown option '--stpes'"));
    await refuses(
      ['edit', '--image', input, '--prompt', '--steps', '3'],
      2,
      usage('edit', '--prompt needs a value'),
    );
    await refuses(edit('--steps'), 2, usage('edit', '--steps needs a value'));
    await refuses(edit('--overwrite=yes'), 2, usage('edit', '--overwrite takes no value'));
    await refuses(edit('extra'), 2, usage('edit', "unexpected argument 'extra'"));
    await refuses(['convert', '--from', 'x'], 2, usage('convert', 'missing --to'));
    await refuses(['make-tiny'], 2, usage('make-tiny', 'missing --out'));
    await refuses(['info', 'now'], 2, usage('info', "unexpected argument 'now'"));
    await refuses(['frobnicate'], 2, "qwen-edit: unknown command 'frobnicate' (try 'qwen-edit --help')");
  });

  it('refuses an empty --prompt, conflicting options and an --out format it cannot write', async () => {
    await refuses(['edit', '--image', input, '--prompt', ''], 2, usage('edit', '--prompt must not be empty'));
    await refuses(
      ['edit', '--image', input, '--prompt', '  '],
      2,
      usage('edit', '--prompt must not be empty'),
    );
    await refuses(
      edit('--box', '0,0,4,4', '--mask', input),
      2,
      usage('edit', 'give --mask or --box, not both'),
    );
    await refuses(
      edit('--negative', 'blur', '--no-negative'),
      2,
      usage('edit', 'give --negative or --no-negative, not both'),
    );
    await refuses(
      edit('--out', join(dir, 'out.gif')),
      2,
      usage('edit', `--out must end in .png, .jpg, .jpeg or .webp, got '${join(dir, 'out.gif')}'`),
    );
    await refuses(
      edit('--out', join(dir, 'out')),
      2,
      usage('edit', `--out must end in .png, .jpg, .jpeg or .webp, got '${join(dir, 'out')}'`),
    );
    await refuses(
      ['convert', '--from', 'x', '--to', 'y', '--precision', 'fp16'],
      2,
      usage('convert', "--precision must be one of fp32, bf16, int8, int4, got 'fp16'"),
    );
    await refuses(
      ['convert', '--from', 'x', '--to', 'y', '--block-size', '48'],
      2,
      usage('convert', "--block-size must be one of 32, 64, 128, got '48'"),
    );
    await refuses(
      ['convert', '--from', 'x', '--to', 'y', '--compute', 'bfloat16'],
      2,
      usage('convert', '--compute bfloat16 needs --precision bf16, int8 or int4'),
    );
    await refuses(
      ['make-tiny', '--out', join(dir, 't'), '--seed', '-3'],
      2,
      usage('make-tiny', '--seed must be an integer from 0 to 4294967295, got -3'),
    );
  });

  it('batch: --dir xor --csv, --prompt only with --dir, --out named, --format checked', async () => {
    const out = join(dir, 'batch-out');
    await refuses(
      ['batch', '--dir', images, '--csv', 'rows.csv', '--out', out],
      2,
      usage('batch', 'give --dir or --csv, not both'),
    );
    await refuses(['batch', '--out', out], 2, usage('batch', 'missing --dir or --csv'));
    await refuses(['batch', '--dir', images, '--out', out], 2, usage('batch', 'missing --prompt'));
    await refuses(['batch', '--dir', images, '--prompt', 'x'], 2, usage('batch', 'missing --out'));
    await refuses(['batch', '--dir', images], 2, usage('batch', 'missing --prompt and --out'));
    await refuses(
      ['batch', '--dir', images, '--prompt', '', '--out', out],
      2,
      usage('batch', '--prompt must not be empty'),
    );
    await refuses(
      ['batch', '--csv', 'rows.csv', '--prompt', 'x', '--out', out],
      2,
      usage('batch', '--prompt goes with --dir; with --csv each row has its own prompt'),
    );
    await refuses(
      ['batch', '--dir', images, '--prompt', 'x', '--out', out, '--steps', '-1'],
      2,
      usage('batch', '--steps must be an integer from 1 to 150, got -1'),
    );
    await refuses(
      ['batch', '--dir', images, '--prompt', 'x', '--out', out, '--format', 'gif'],
      2,
      usage('batch', "--format must be one of png, jpg, webp, got 'gif'"),
    );
  });
});

describe('qwen-edit refuses what the files do not allow, before loading anything (exit code 1)', () => {
  it('refuses to overwrite without --overwrite and checks that the output folder takes writes', async () => {
    const exists = join(dir, 'exists.png');
    await refuses(
      edit('--out', exists),
      1,
      `qwen-edit edit: ${exists} exists (pass --overwrite to replace it)`,
    );
    await refuses(
      edit('--out', join(dir, 'out.png'), '--recipe', exists),
      1,
      `qwen-edit edit: ${exists} exists (pass --overwrite to replace it)`,
    );
    const missingFolder = join(dir, 'no-such-folder', 'out.png');
    await refuses(
      edit('--out', missingFolder),
      1,
      `qwen-edit edit: cannot write ${missingFolder}: the folder ${join(dir, 'no-such-folder')} does not exist`,
    );
    await refuses(
      edit('--out', join(aFile, 'out.png')),
      1,
      `qwen-edit edit: cannot write ${join(aFile, 'out.png')}: ${aFile} is not a folder`,
    );
    await refuses(
      edit('--out', images),
      2,
      usage('edit', `--out must end in .png, .jpg, .jpeg or .webp, got '${images}'`),
    );
    await refuses(
      ['batch', '--dir', images, '--prompt', 'x', '--out', join(aFile, 'sub')],
      1,
      `qwen-edit batch: cannot write ${join(aFile, 'sub')}: ${aFile} is not a folder`,
    );
    await refuses(
      ['batch', '--dir', images, '--prompt', 'x', '--out', aFile],
      1,
      `qwen-edit batch: cannot write into ${aFile}: it is not a folder`,
    );
    await refuses(
      ['make-tiny', '--out', aFile],
      1,
      `qwen-edit make-tiny: cannot write into ${aFile}: it is not a folder`,
    );
  });

  it('names an unreadable input in words', async () => {
    const missing = join(dir, 'missing.png');
    await refuses(
      ['edit', '--image', missing, '--prompt', 'x'],
      1,
      `qwen-edit edit: cannot read ${missing}: no such file or folder`,
    );
    await refuses(
      edit('--mask', missing),
      1,
      `qwen-edit edit: cannot read ${missing}: no such file or folder`,
    );
    await refuses(
      ['edit', '--image', images, '--prompt', 'x'],
      1,
      `qwen-edit edit: cannot read ${images}: it is a folder`,
    );
    await refuses(
      ['convert', '--from', missing, '--to', join(dir, 'model')],
      1,
      `qwen-edit convert: cannot read ${missing}: no such file or folder`,
    );
    await refuses(
      ['batch', '--dir', missing, '--prompt', 'x', '--out', join(dir, 'o')],
      1,
      `qwen-edit batch: cannot read ${missing}: no such file or folder`,
    );
  });

  it('batch: refuses empty input and a CSV whose header or rows are wrong, naming the row', async () => {
    const out = join(dir, 'batch-out');
    await refuses(
      ['batch', '--dir', noImages, '--prompt', 'x', '--out', out],
      1,
      `qwen-edit batch: ${noImages} has no images (looked for .png, .jpg, .jpeg, .webp, .tif, .tiff, .gif, .avif, .heic)`,
    );
    const cases: [string, string][] = [
      ['', ': the file is empty (expected a header image,prompt[,seed] and rows)'],
      ['image,prompt\n', ': has a header but no rows'],
      [
        'one.png,make it red\n',
        " row 1: the header must name the columns image,prompt[,seed] once each, got 'one.png,make it red'",
      ],
      [
        'image,promt\none.png,x\n',
        " row 1: the header must name the columns image,prompt[,seed] once each, got 'image,promt'",
      ],
      [
        'image,prompt,prompt\none.png,x,y\n',
        " row 1: the header must name the columns image,prompt[,seed] once each, got 'image,prompt,prompt'",
      ],
      ['image,prompt\none.png,x\ntwo.png,y,3\n', ' row 3: 3 fields, the header has 2'],
      ['image,prompt\none.png,""\n', ' row 2: the prompt is empty'],
      ['image,prompt\n,x\n', ' row 2: the image is empty'],
      ['prompt,image,seed\nx,one.png,-2\n', " row 2: seed must be an integer from 0 to 4294967295, got '-2'"],
    ];
    const csvDir = mkdtempSync(join(tmpdir(), 'cli-refusals-csv-'));
    for (const [k, [text, message]] of cases.entries()) {
      const csv = join(csvDir, `rows-${k}.csv`);
      writeFileSync(csv, text);
      await refuses(['batch', '--csv', csv, '--out', out], 1, `qwen-edit batch: ${csv}${message}`);
    }
  });
});

describe('--help on every command', () => {
  it('prints the command usage on stdout and exits 0, from anywhere on the line', async () => {
    for (const command of ['info', 'make-tiny', 'convert', 'edit', 'batch']) {
      for (const argv of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
        [command, '--steps', '-5', '--help'],
      ]) {
        const result = await runCli(...argv);
        expect(result.code, argv.join(' ')).toBe(0);
        expect(result.stdout, argv.join(' ')).toMatch(new RegExp(`^usage: qwen-edit ${command}`));
        expect(result.stderr).toBe('');
      }
    }
    const edit = await runCli('edit', '--help');
    for (const option of [
      '--image',
      '--prompt',
      '--out',
      '--overwrite',
      '--steps',
      '--cfg',
      '--seed',
      '--size',
      '--box',
      '--mask',
    ])
      expect(edit.stdout).toContain(option);
    expect(edit.stdout).toContain('--steps N            1 to 150 (default 50)');
  });

  it('lists every command with --help (exit 0, stdout), and on stderr with exit 2 when none is given', async () => {
    const help = await runCli('--help');
    expect(help.code).toBe(0);
    for (const command of ['info', 'make-tiny', 'convert', 'edit', 'batch'])
      expect(help.stdout).toContain(`  ${command} `);
    const none = await runCli();
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: help.stdout });
  });
});
