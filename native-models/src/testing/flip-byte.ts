/** Damage as a bit flip on disk would do it: one byte changed in place, size and modification time kept. */
import { open, stat, utimes } from 'node:fs/promises';

export async function flipByteKeepingMtime(path: string, offset: number, mask = 0x55): Promise<void> {
  const { mtimeMs } = await stat(path);
  const fh = await open(path, 'r+');
  try {
    const byte = new Uint8Array(1);
    await fh.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ mask;
    await fh.write(byte, 0, 1, offset);
  } finally {
    await fh.close();
  }
  await utimes(path, mtimeMs / 1000, mtimeMs / 1000);
}
