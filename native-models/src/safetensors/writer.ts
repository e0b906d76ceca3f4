/**
 * Streaming safetensors writer. The header needs every tensor's dtype and shape but not its data, so
 * the caller declares the tensors up front and supplies each one's bytes only when it is written: at
 * most one tensor is in memory at a time. Output is deterministic: same tensors in, same bytes out.
 */
import { open } from 'node:fs/promises';
import type { DType } from '../weights';
import { DTYPE_BYTES } from './dtype';

export type TensorToWrite = Readonly<{
  name: string;
  dtype: DType;
  shape: readonly number[];
  /** The tensor's little-endian bytes, produced when the writer reaches it. */
  data: () => Uint8Array | Promise<Uint8Array>;
}>;

/** The header JSON bytes for these tensors, padded with spaces to a multiple of 8 (as upstream does). */
export function encodeSafetensorsHeader(
  tensors: readonly Omit<TensorToWrite, 'data'>[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name in header) throw new Error(`tensor '${t.name}' is listed twice`);
    const length = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

/** Writes a .safetensors file; returns its total size in bytes. */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = { format: 'pt' },
): Promise<number> {
  const header = encodeSafetensorsHeader(tensors, metadata);
  const fh = await open(path, 'w');
  try {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
    await fh.write(prefix);
    await fh.write(header);
    let size = 8 + header.length;
    for (const t of tensors) {
      const bytes = await t.data();
      const expected = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
      if (bytes.byteLength !== expected) {
        throw new Error(
          `${path}: tensor '${t.name}' got ${bytes.byteLength} bytes, ${t.dtype}${JSON.stringify(t.shape)} needs ${expected}`,
        );
      }
      await fh.write(bytes);
      size += expected;
    }
    return size;
  } finally {
    await fh.close();
  }
}
