import { execFileSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskUsage, duHuman } from './disk-usage';

const du = (...args: string[]) => execFileSync('du', args, { encoding: 'utf8' }).split('\t')[0]!;

describe('sizes as du prints them', () => {
  it("duHuman rounds like GNU du -h (checked against du's own --apparent-size of sparse files)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-du-'));
    const sizes = [
      0,
      1,
      1023,
      1024,
      1025,
      10137,
      10239,
      10240,
      10241,
      1048575,
      1048576,
      1048577,
      Math.round(9.95 * 2 ** 20),
      65536000,
      2 ** 30 - 1,
      5 * 2 ** 40 + 1,
    ];
    for (const size of sizes) {
      const file = join(dir, `f${size}`);
      writeFileSync(file, '');
      truncateSync(file, size);
      expect([size, duHuman(size)]).toEqual([size, du('-sh', '--apparent-size', file)]);
    }
  });

  it('diskUsage counts what du -s counts: allocated blocks and apparent bytes, folders included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-du-tree-'));
    writeFileSync(join(dir, 'a'), Buffer.alloc(5000, 1));
    writeFileSync(join(dir, 'b'), 'x');
    const sparse = join(dir, 'sparse');
    writeFileSync(sparse, '');
    truncateSync(sparse, 3 * 2 ** 20);
    return diskUsage(dir).then((usage) => {
      expect(duHuman(usage.allocatedBytes)).toBe(du('-sh', dir));
      expect(usage.apparentBytes).toBe(Number(du('-sb', dir)));
      expect(usage.files).toBe(3);
    });
  });
});
