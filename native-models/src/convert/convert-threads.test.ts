import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { convertCheckpoint } from './convert';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'convert-threads-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('conversion on worker threads', () => {
  it.each(['int4', 'bf16'] as const)(
    '%s: the folder is byte-identical on the calling thread, 1 and 3 worker threads',
    async (precision) => {
      const from = await ensureTinyCheckpoint(0);
      const folders = [];
      for (const threads of [0, 1, 3]) {
        const to = join(out, `${precision}-${threads}`);
        folders.push({ to, manifest: await convertCheckpoint(from, to, { precision, threads }) });
      }
      const [inline, ...threaded] = folders;
      expect(Object.keys(inline!.manifest.files).length).toBeGreaterThan(10);
      for (const { to, manifest } of threaded) {
        expect(manifest).toEqual(inline!.manifest);
        for (const file of Object.keys(manifest.files)) {
          const [a, b] = await Promise.all([readFile(join(inline!.to, file)), readFile(join(to, file))]);
          expect(Buffer.compare(a, b), file).toBe(0);
        }
      }
    },
  );
});
