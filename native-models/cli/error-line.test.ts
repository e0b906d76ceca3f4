import { mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneLine } from './error-line';
import { writeAtomic } from './output';

describe('errors in one line', () => {
  it('a failed write names the file asked for, in words, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-error-line-'));
    const gone = join(dir, 'gone');
    await rm(gone, { recursive: true, force: true });
    const error = await writeAtomic(join(gone, 'a.png'), new Uint8Array(4)).catch((e: unknown) => e);
    expect(oneLine(error)).toBe(`cannot write ${join(gone, 'a.png')}: no such file or folder`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("node's raw errno errors lose their code and the temporary names", () => {
    // The shape node gives a write refused by a read-only mount (none can be mounted in a test).
    const erofs = Object.assign(new Error("EROFS: read-only file system, open '/out/.a.png.4242.tmp'"), {
      code: 'EROFS',
      syscall: 'open',
      path: '/out/.a.png.4242.tmp',
    });
    expect(oneLine(erofs)).toBe('/out/a.png: the file system is read-only');
    const nospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: '/models/.qwen.partial-77-0a1b2c3d/transformer/model.onnx.data',
    });
    expect(oneLine(nospc)).toBe('/models/qwen/transformer/model.onnx.data: no space left on the device');
    expect(oneLine(new Error('first line\n  second line'))).toBe('first line second line');
    const wrapped = new Error(
      "cannot read the image file: ENOENT: no such file or directory, open '/in/a.png'",
    );
    expect(oneLine(wrapped)).toBe('cannot read the image file: /in/a.png: no such file or directory');
  });
});
