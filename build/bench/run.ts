/**
 * `npm run bench [-- name ...]`: runs every `*.bench.ts` in this folder (or the named ones), prints each
 * one's table and writes its figures as JSON under `bench-results/`.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A benchmark returns named figures; `table` is what is printed. */
export type BenchResult = { name: string; figures: Record<string, unknown>; table: string };

const here = new URL('.', import.meta.url).pathname;
const outDir = join(here, '..', '..', 'bench-results');

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = files.filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')));
if (selected.length === 0) {
  console.log(
    wanted.length
      ? `no benchmark named ${wanted.join(', ')}; have: ${files.join(', ')}`
      : 'no benchmarks exist yet',
  );
  process.exit(wanted.length ? 2 : 0);
}
await mkdir(outDir, { recursive: true });
for (const file of selected) {
  const mod = (await import(join(here, file))) as { run: () => Promise<BenchResult> };
  const result = await mod.run();
  console.log(`\n== ${result.name} ==\n${result.table}`);
  const path = join(outDir, `${result.name}.json`);
  await writeFile(
    path,
    JSON.stringify({ name: result.name, at: new Date().toISOString(), figures: result.figures }, null, 2),
  );
  console.log(`(written to ${path})`);
}
