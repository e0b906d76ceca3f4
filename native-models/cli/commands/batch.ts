import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseEditArgs, requestFields, withPipeline } from '../edit-options';
import { progressBar, writeAtomic } from '../output';

export const summary =
  'edit many images: (--dir <folder> --prompt "…" | --csv rows.csv with image,prompt[,seed]) --out <folder> [edit options]; resumable, failures do not stop the rest';

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

type Row = { image: string; prompt: string; seed?: number; line: number };

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

async function csvRows(path: string): Promise<Row[]> {
  const rows = parseCsv(await readFile(path, 'utf8'));
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const hasHeader = header.includes('image') && header.includes('prompt');
  const col = (name: string, fallback: number) => (hasHeader ? header.indexOf(name) : fallback);
  const [ci, cp, cs] = [col('image', 0), col('prompt', 1), col('seed', 2)];
  return rows.slice(hasHeader ? 1 : 0).map((r, k) => {
    const seedText = cs >= 0 ? r[cs]?.trim() : undefined;
    return {
      image: resolve(dirname(path), r[ci]?.trim() ?? ''),
      prompt: r[cp] ?? '',
      ...(seedText ? { seed: Number(seedText) } : {}),
      line: k + (hasHeader ? 2 : 1),
    };
  });
}

/** The output name of a row: stable across runs, so finished rows are found and skipped. */
function outputName(row: Row, seed: number | undefined): string {
  const key = createHash('sha256').update(`${row.image}\0${row.prompt}`).digest('hex').slice(0, 8);
  return `${basename(row.image, extname(row.image))}-${seed ?? 'rnd'}-${key}.png`;
}

export async function run(argv: string[]): Promise<number> {
  const values = parseEditArgs(argv, {
    dir: { type: 'string' },
    csv: { type: 'string' },
    prompt: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.out || (!values.csv && !(values.dir && values.prompt !== undefined))) {
    console.error(`usage: qwen-edit batch ${summary.slice(summary.indexOf('('))}`);
    return 2;
  }
  const fields = requestFields(values);
  let rows: Row[];
  if (values.csv) rows = await csvRows(resolve(values.csv));
  else {
    const dir = resolve(values.dir!);
    const files = (await readdir(dir)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    rows = files.map((f, k) => ({ image: join(dir, f), prompt: values.prompt!, line: k + 1 }));
  }
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  const summaryRows: {
    image: string;
    prompt: string;
    status: 'done' | 'skipped' | 'failed';
    output?: string;
    error?: string;
  }[] = [];
  const pending = rows.filter((row) => {
    const seed = row.seed ?? fields.seed;
    const target = join(out, outputName(row, seed));
    if (seed !== undefined && existsSync(target)) {
      summaryRows.push({ image: row.image, prompt: row.prompt, status: 'skipped', output: target });
      return false;
    }
    return true;
  });
  console.error(
    `${rows.length} rows: ${rows.length - pending.length} already done, ${pending.length} to run`,
  );
  if (pending.length) {
    await withPipeline(values, async (pipeline) => {
      for (const [k, row] of pending.entries()) {
        const label = `[${k + 1}/${pending.length}] ${basename(row.image)}: `;
        try {
          const seed = row.seed ?? fields.seed;
          const result = await pipeline.edit(
            { ...fields, image: row.image, prompt: row.prompt, ...(seed !== undefined ? { seed } : {}) },
            { onStep: progressBar(label) },
          );
          if (result.status !== 'done') throw new Error('cancelled');
          const target = join(out, outputName(row, result.recipe.seed));
          await writeAtomic(target, result.png);
          summaryRows.push({ image: row.image, prompt: row.prompt, status: 'done', output: target });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          console.error(`${label}failed (row ${row.line}): ${message}`);
          summaryRows.push({ image: row.image, prompt: row.prompt, status: 'failed', error: message });
        }
      }
    });
  }
  const count = (s: string) => summaryRows.filter((r) => r.status === s).length;
  await writeAtomic(join(out, 'batch-summary.json'), Buffer.from(JSON.stringify(summaryRows, null, 2)));
  console.log(
    `batch: ${count('done')} done, ${count('skipped')} skipped (already done), ${count('failed')} failed; summary in ${join(out, 'batch-summary.json')}`,
  );
  return count('failed') ? 1 : 0;
}
