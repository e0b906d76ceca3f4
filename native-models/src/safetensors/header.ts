/**
 * The safetensors header: an 8-byte little-endian length N, then N bytes of JSON mapping each tensor name
 * to `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the end of the header), plus an
 * optional `__metadata__` map of strings. Parsing checks every claim against the file's real size so that
 * a truncated or corrupt file fails here, with its name, rather than as garbage numbers later.
 */
import { open } from 'node:fs/promises';
import type { DType } from '../weights';
import { DTYPE_BYTES, isDType } from './dtype';

export type TensorEntry = Readonly<{
  name: string;
  dtype: DType;
  shape: readonly number[];
  /** Absolute byte offset of the first byte in the file. */
  offset: number;
  length: number;
}>;

export type SafetensorsHeader = Readonly<{
  path: string;
  /** Tensors in file (data offset) order. */
  tensors: readonly TensorEntry[];
  metadata: Readonly<Record<string, string>>;
  /** Where the data section starts (8 + header length). */
  dataStart: number;
  fileSize: number;
}>;

/** Headers larger than this are not plausible (the real ones are a few hundred KiB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

/** Reads and validates the header of one .safetensors file without reading its tensor data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new SafetensorsError(path, error.code === 'ENOENT' ? 'file not found' : error.message);
  });
  try {
    const fileSize = (await fh.stat()).size;
    if (fileSize < 8) {
      throw new SafetensorsError(
        path,
        `truncated: ${fileSize} bytes, too short for the 8-byte header length`,
      );
    }
    const prefix = new Uint8Array(8);
    await fh.read(prefix, 0, 8, 0);
    const headerLength = Number(new DataView(prefix.buffer).getBigUint64(0, true));
    if (headerLength > fileSize - 8) {
      throw new SafetensorsError(
        path,
        `header claims ${headerLength} bytes but only ${fileSize - 8} follow the length prefix (truncated or not a safetensors file)`,
      );
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new SafetensorsError(
        path,
        `header length ${headerLength} is implausibly large (not a safetensors file?)`,
      );
    }
    const json = new Uint8Array(headerLength);
    await fh.read(json, 0, headerLength, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
    } catch (error) {
      throw new SafetensorsError(path, `malformed JSON header (${(error as Error).message})`);
    }
    const dataStart = 8 + headerLength;
    return { path, fileSize, dataStart, ...parseEntries(path, parsed, fileSize - dataStart, dataStart) };
  } finally {
    await fh.close();
  }
}

function parseEntries(
  path: string,
  parsed: unknown,
  dataSize: number,
  dataStart: number,
): { tensors: TensorEntry[]; metadata: Record<string, string> } {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SafetensorsError(path, 'malformed header: the JSON is not an object');
  }
  const tensors: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) {
      throw new SafetensorsError(path, `malformed header entry for tensor '${name}'`);
    }
    if (!isDType(entry.dtype)) {
      throw new SafetensorsError(
        path,
        `tensor '${name}' has unsupported dtype ${JSON.stringify(entry.dtype)} (F32, F16, BF16 are supported)`,
      );
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(path, `tensor '${name}' has a malformed shape ${JSON.stringify(shape)}`);
    }
    const offsets = entry.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[1] < offsets[0]
    ) {
      throw new SafetensorsError(
        path,
        `tensor '${name}' has malformed data_offsets ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[entry.dtype];
    if (end - begin !== expected) {
      throw new SafetensorsError(
        path,
        `tensor '${name}' spans ${end - begin} bytes but ${entry.dtype}${JSON.stringify(shape)} needs ${expected}`,
      );
    }
    if (end > dataSize) {
      throw new SafetensorsError(
        path,
        `tensor '${name}' claims bytes [${begin}, ${end}) of the data section but the file holds only ${dataSize} (truncated?)`,
      );
    }
    tensors.push({
      name,
      dtype: entry.dtype,
      shape: shape as number[],
      offset: dataStart + begin,
      length: expected,
    });
  }
  tensors.sort((a, b) => a.offset - b.offset);
  return { tensors, metadata };
}
