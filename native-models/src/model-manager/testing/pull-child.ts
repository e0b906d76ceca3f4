/**
 * A pull in its own process, for the test that kills a download midway: `pull-child.ts <endpoint> <dir>
 * <chunkSize>`; prints `done <bytes>` after every write so the test knows what the process has received.
 */
import { resolveCatalogueRef } from '../catalogue';
import { pull } from '../pull';

const [endpoint, dir, chunk] = process.argv.slice(2) as [string, string, string];
await pull({
  access: { endpoint },
  entry: resolveCatalogueRef('qwen-image-edit'),
  dir,
  chunkSize: Number(chunk),
  parallel: 3,
  onProgress: (p) => process.stdout.write(`done ${p.doneBytes}\n`),
});
process.stdout.write('finished\n');
