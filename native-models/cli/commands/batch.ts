import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EDIT_LIMITS } from '../../src/pipeline/edit-vocabulary';
import { choiceOption, exclusive, parseOptions, requireOptions } from '../arguments';
import {
  checkPrompt,
  EDIT_OPTIONS,
  editOptionsHelp,
  pipelineSettings,
  requestFields,
  withPipeline,
} from '../edit-options';
import { oneLine } from '../error-line';
import { checkInputFile } from '../input-file';
import {
  LIGHTNING_OPTIONS,
  LORA_OPTION,
  lightningFields,
  lightningHelp,
  loraChoices,
  loraHelp,
} from '../lora-options';
import { FileError } from '../file-error';
import { encodeImage, progressBar, writeAtomic } from '../output';
import { checkOutputFolder } from '../output-target';
import type { ImageFormat } from '../output-target';
import { UsageError } from '../usage-error';

export const summary =
  'edit many images: (--dir <folder> --prompt "…" | --csv rows.csv) --out <folder> [options]; resumable, failures do not stop the rest';

export const usage = `batch (--dir <folder> --prompt "…" | --csv rows.csv) --out <folder> [options]

Edits every image of a folder with one instruction, or every row of a CSV file, into --out. Each output's
name holds its seed and a hash of its image and prompt, so running the same command again skips what is
done and retries what failed. Without --seed each row's seed is derived from its image and prompt (the
same on every run); --out/batch-summary.json records every row's seed, status and output.

options:
  --dir <folder>       edit every image in the folder (.png, .jpg, .jpeg, .webp, .tif, .tiff, .gif, .avif, .heic)
  --prompt "…"         the instruction for every image of --dir (not empty)
  --csv <file>         rows to edit; the header names the columns: image,prompt[,seed] (image paths are
                       relative to the CSV's folder)
  --out <folder>       where the outputs go (created if absent)
  --format F           png, jpg or webp (default png)
${editOptionsHelp('derived from the row')}
${loraHelp('fused once when the model loads')}
${lightningHelp}`;

const IMAGE_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
  '.heic',
]);
const CSV_COLUMNS = ['image', 'prompt', 'seed'] as const;
const FORMAT_EXTENSIONS: Readonly<Record<string, ImageFormat>> = { png: 'png', jpg: 'jpeg', webp: 'webp' };

/** A row to edit; `key` (its image as written and its prompt) names its output and derives its seed. */
type Row = { image: string; prompt: string; seed?: number; row: number; key: string };

/** Minimal RFC 4180 CSV: quoted fields with "" escapes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** A refusal of the CSV's content, naming the file and row. */
function csvError(path: string, row: number | undefined, message: string): Error {
  return new Error(`${path}${row !== undefined ? ` row ${row}` : ''}: ${message}`);
}

/** The CSV's rows, every one checked before anything runs (header, field count, prompt, seed). */
async function csvRows(path: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileError('read', path, error);
  }
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!rows.length)
    throw csvError(path, undefined, 'the file is empty (expected a header image,prompt[,seed] and rows)');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const missing = ['image', 'prompt'].filter((c) => !header.includes(c));
  if (unknown.length || missing.length || new Set(header).size !== header.length)
    throw csvError(
      path,
      1,
      `the header must name the columns image,prompt[,seed] once each, got '${rows[0]!.join(',')}'`,
    );
  if (rows.length === 1) throw csvError(path, undefined, 'has a header but no rows');
  const [ci, cp, cs] = CSV_COLUMNS.map((c) => header.indexOf(c)) as [number, number, number];
  // Rows are numbered as records, the header being row 1 (a quoted newline does not start a row).
  return rows.slice(1).map((fields, k) => {
    const row = k + 2;
    if (fields.length !== header.length)
      throw csvError(path, row, `${fields.length} fields, the header has ${header.length}`);
    const image = fields[ci]!.trim();
    if (!image) throw csvError(path, row, 'the image is empty');
    const prompt = fields[cp]!;
    if (prompt.trim() === '') throw csvError(path, row, 'the prompt is empty');
    if (prompt.length > EDIT_LIMITS.promptChars.max)
      throw csvError(path, row, `the prompt is longer than ${EDIT_LIMITS.promptChars.max} characters`);
    const seedText = cs >= 0 ? fields[cs]!.trim() : '';
    const seed = seedText === '' ? undefined : Number(seedText);
    if (
      seed !== undefined &&
      !(Number.isInteger(seed) && seed >= EDIT_LIMITS.seed.min && seed <= EDIT_LIMITS.seed.max)
    )
      throw csvError(
        path,
        row,
        `seed must be an integer from ${EDIT_LIMITS.seed.min} to ${EDIT_LIMITS.seed.max}, got '${seedText}'`,
      );
    return {
      image: resolve(dirname(path), image),
      prompt,
      ...(seed !== undefined ? { seed } : {}),
      row,
      key: `${image}\0${prompt}`,
    };
  });
}

async function folderRows(dir: string, prompt: string): Promise<Row[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new FileError('read', dir, error);
  }
  const files = names.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  if (!files.length) throw new Error(`${dir} has no images (looked for ${[...IMAGE_EXTENSIONS].join(', ')})`);
  return files.map((f, k) => ({ image: join(dir, f), prompt, row: k + 1, key: `${f}\0${prompt}` }));
}

/**
 * The seed of a row that names none, when --seed names none either: the first 32 bits of a hash of its
 * key, so a rerun derives the same seed and finds the output it wrote.
 */
export function derivedSeed(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0);
}

/** The output name of a row: stable across runs, so finished rows are found and skipped. */
function outputName(row: Row, seed: number, extension: string): string {
  const hash = createHash('sha256').update(row.key).digest('hex').slice(0, 8);
  return `${basename(row.image, extname(row.image))}-${seed}-${hash}.${extension}`;
}

type SummaryRow = {
  row: number;
  image: string;
  prompt: string;
  seed: number;
  status: 'done' | 'skipped' | 'failed';
  output?: string;
  error?: string;
};

export async function run(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    ...EDIT_OPTIONS,
    ...LORA_OPTION,
    ...LIGHTNING_OPTIONS,
    dir: { type: 'string' },
    csv: { type: 'string' },
    prompt: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
  });
  // Every argument is checked before anything is read, written or loaded.
  exclusive(values, 'dir', 'csv');
  if (values.dir === undefined && values.csv === undefined) throw new UsageError('missing --dir or --csv');
  if (values.csv !== undefined && values.prompt !== undefined)
    throw new UsageError('--prompt goes with --dir; with --csv each row has its own prompt');
  requireOptions(values, ...(values.dir !== undefined ? ['prompt'] : []), 'out');
  const prompt = values.dir !== undefined ? checkPrompt(values.prompt!) : '';
  const fields = { ...requestFields(values), ...lightningFields(values) };
  const settings = pipelineSettings(values);
  const extension = choiceOption('format', values.format, ['png', 'jpg', 'webp'] as const) ?? 'png';
  const format = FORMAT_EXTENSIONS[extension]!;
  const out = resolve(values.out!);

  // Then the input, whole, and the output folder.
  const rows =
    values.csv !== undefined
      ? await csvRows(resolve(values.csv))
      : await folderRows(resolve(values.dir!), prompt);
  const loras = await loraChoices(values);
  if (loras.length) fields.loras = loras;
  await checkOutputFolder(out);
  await mkdir(out, { recursive: true });

  const summaryRows: SummaryRow[] = [];
  const pending: { row: Row; seed: number; target: string }[] = [];
  for (const row of rows) {
    const seed = row.seed ?? fields.seed ?? derivedSeed(row.key);
    const target = join(out, outputName(row, seed, extension));
    const base = { row: row.row, image: row.image, prompt: row.prompt, seed };
    if (existsSync(target)) summaryRows.push({ ...base, status: 'skipped', output: target });
    else pending.push({ row, seed, target });
  }
  console.error(
    `${rows.length} rows: ${rows.length - pending.length} already done, ${pending.length} to run`,
  );
  if (pending.length) {
    await withPipeline(settings, async (pipeline) => {
      for (const [k, { row, seed, target }] of pending.entries()) {
        const label = `[${k + 1}/${pending.length}] ${basename(row.image)}: `;
        const base = { row: row.row, image: row.image, prompt: row.prompt, seed };
        try {
          await checkInputFile(row.image);
          const result = await pipeline.edit(
            { ...fields, image: row.image, prompt: row.prompt, seed },
            { onStep: progressBar(label) },
          );
          if (result.status !== 'done') throw new Error('cancelled');
          await writeAtomic(target, await encodeImage(result, format));
          summaryRows.push({ ...base, status: 'done', output: target });
        } catch (error) {
          const message = oneLine(error);
          console.error(`${label}failed (row ${row.row}): ${message}`);
          summaryRows.push({ ...base, status: 'failed', error: message });
        }
      }
    });
  }
  summaryRows.sort((a, b) => a.row - b.row);
  const count = (s: string) => summaryRows.filter((r) => r.status === s).length;
  const summaryPath = join(out, 'batch-summary.json');
  await writeAtomic(summaryPath, Buffer.from(`${JSON.stringify(summaryRows, null, 2)}\n`));
  console.log(
    `batch: ${count('done')} done, ${count('skipped')} skipped (already done), ${count('failed')} failed; summary in ${summaryPath}`,
  );
  return count('failed') ? 1 : 0;
}
