/**
 * Writes initializer bytes into one external-data file, each tensor starting at a multiple of `alignment`
 * (64 KiB by default, so ORT can memory-map every tensor on Windows too). The gaps are left as holes.
 * Tensors are written in order, so the file's sha256 is computed on the way (gaps hash as zeros) and the
 * file need not be read back to hash it.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { FileRange } from '../weights';

const COPY_CHUNK = 8 << 20;
/** A hash update and a file write each take under 2 GiB; a 2.2 GB float32 embedding table goes in pieces. */
const PIECE = 1 << 30;
const ZEROS = new Uint8Array(65536);

export class ExternalDataWriter {
  private end = 0;
  private written = 0;
  private readonly hash: Hash = createHash('sha256');

  private constructor(
    private readonly handle: FileHandle,
    readonly alignment: number,
  ) {}

  static async create(path: string, alignment = 65536): Promise<ExternalDataWriter> {
    return new ExternalDataWriter(await open(path, 'w'), alignment);
  }

  private allocate(length: number): number {
    const offset = Math.ceil(this.end / this.alignment) * this.alignment;
    for (let gap = offset - this.end; gap > 0; gap -= ZEROS.length)
      this.hash.update(ZEROS.subarray(0, Math.min(gap, ZEROS.length)));
    this.end = offset + length;
    return offset;
  }

  /** Appends bytes; returns where they went. */
  async append(bytes: Uint8Array): Promise<{ offset: number; length: number }> {
    const offset = this.allocate(bytes.length);
    await this.put(bytes, offset);
    this.written += bytes.length;
    return { offset, length: bytes.length };
  }

  /** Hashes and writes `bytes` at `at`, in pieces under 2 GiB. */
  private async put(bytes: Uint8Array, at: number): Promise<void> {
    for (let start = 0; start < bytes.length; start += PIECE) {
      const piece = bytes.subarray(start, Math.min(bytes.length, start + PIECE));
      this.hash.update(piece);
      let done = 0;
      while (done < piece.length) {
        const { bytesWritten } = await this.handle.write(piece, done, piece.length - done, at + start + done);
        done += bytesWritten;
      }
    }
  }

  /** Appends one tensor of `length` bytes that arrives in parts (slabs of rows), in order. */
  async appendParts(
    length: number,
    parts: AsyncIterable<Uint8Array>,
  ): Promise<{ offset: number; length: number }> {
    const offset = this.allocate(length);
    let done = 0;
    for await (const bytes of parts) {
      if (done + bytes.length > length) throw new Error(`tensor parts exceed the ${length} bytes announced`);
      await this.put(bytes, offset + done);
      done += bytes.length;
    }
    if (done !== length) throw new Error(`tensor parts hold ${done} bytes, expected ${length}`);
    this.written += length;
    return { offset, length };
  }

  /** Appends a byte range of another file, in chunks, without holding it in memory. */
  async appendFromFile(range: FileRange): Promise<{ offset: number; length: number }> {
    const offset = this.allocate(range.length);
    const source = await open(range.path, 'r');
    try {
      const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(range.length, 1)));
      let done = 0;
      while (done < range.length) {
        const want = Math.min(buffer.length, range.length - done);
        const { bytesRead } = await source.read(buffer, 0, want, range.offset + done);
        if (bytesRead === 0) {
          throw new Error(`${range.path}: ends before byte ${range.offset + range.length} (truncated file?)`);
        }
        this.hash.update(buffer.subarray(0, bytesRead));
        let out = 0;
        while (out < bytesRead) {
          const { bytesWritten } = await this.handle.write(buffer, out, bytesRead - out, offset + done + out);
          out += bytesWritten;
        }
        done += bytesRead;
      }
    } finally {
      await source.close();
    }
    this.written += range.length;
    return { offset, length: range.length };
  }

  /** Payload bytes written (without alignment gaps). */
  get bytesWritten(): number {
    return this.written;
  }

  /** File size. */
  get size(): number {
    return this.end;
  }

  /** Closes the file; returns its sha256 (hex). */
  async close(): Promise<string> {
    // A trailing hole must still count as file length so the last tensor's range is inside the file.
    await this.handle.truncate(this.end);
    await this.handle.close();
    return this.hash.digest('hex');
  }
}
