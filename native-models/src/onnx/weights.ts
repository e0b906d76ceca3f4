/**
 * Initializers from a WeightSource: checkpoint tensors registered lazily (read, converted or transposed only
 * when `save()` reaches them), copied byte-for-byte from their file where dtype and layout already match.
 */
import { open } from 'node:fs/promises';
import type { GraphBuilder } from './graph-builder';
import { BYTES_PER_ELEMENT, encodeFloats } from './dtypes';
import type { FileRange, WeightSource, DType } from '../weights';
import type { ComputeType } from './precision';

export type FloatStorage = ComputeType | 'float16';

const SOURCE_DTYPE: Readonly<Record<DType, FloatStorage>> = {
  F32: 'float32',
  BF16: 'bfloat16',
  F16: 'float16',
};

/** Reads a file range into memory. */
export async function readRange(range: FileRange): Promise<Uint8Array> {
  const handle = await open(range.path, 'r');
  try {
    const out = new Uint8Array(range.length);
    let done = 0;
    while (done < range.length) {
      const { bytesRead } = await handle.read(out, done, range.length - done, range.offset + done);
      if (bytesRead === 0)
        throw new Error(`${range.path}: ends before byte ${range.offset + range.length} (truncated file?)`);
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Transposes a row-major [rows, cols] matrix of `elementBytes`-byte elements. */
export function transposeBytes(
  src: Uint8Array,
  rows: number,
  cols: number,
  elementBytes: number,
): Uint8Array {
  const out = new Uint8Array(src.length);
  if (elementBytes === 4) {
    const s = new Uint32Array(src.buffer, src.byteOffset, rows * cols);
    const d = new Uint32Array(out.buffer);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) d[c * rows + r] = s[r * cols + c]!;
  } else if (elementBytes === 2) {
    const s = new Uint16Array(src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength));
    const d = new Uint16Array(out.buffer);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) d[c * rows + r] = s[r * cols + c]!;
  } else {
    throw new Error(`transposeBytes: unsupported element size ${elementBytes}`);
  }
  return out;
}

export type WeightOptions = Readonly<{
  /** Storage type (default: the builder's dense weight type). */
  dtype?: FloatStorage;
  /** Store a 2-D [N, K] tensor as [K, N] (MatMul weights). */
  transpose?: boolean;
  /** Initializer name (default: the checkpoint name, with '.T' appended when transposed). */
  as?: string;
  /** Reshape to these dims (same element count). */
  dims?: readonly number[];
}>;

/**
 * Registers checkpoint tensor `name` as an initializer and returns the initializer's name (registering it
 * once per name). Throws at once, naming the tensor, when the source lacks it.
 */
export function weightInitializer(
  b: GraphBuilder,
  src: WeightSource,
  name: string,
  options: WeightOptions = {},
): string {
  const info = src.info(name);
  const dtype = options.dtype ?? b.plan.dense;
  const transpose = options.transpose ?? false;
  const initName = options.as ?? (transpose ? `${name}.T` : name);
  if (b.hasInitializer(initName)) return initName;
  let dims = [...info.shape];
  if (transpose) {
    if (dims.length !== 2)
      throw new Error(`weight '${name}' has shape [${dims.join(', ')}]; only 2-D weights transpose`);
    dims = [dims[1]!, dims[0]!];
  }
  if (options.dims) {
    const n = options.dims.reduce((a, d) => a * d, 1);
    if (n !== dims.reduce((a, d) => a * d, 1))
      throw new Error(
        `weight '${name}': cannot reshape [${dims.join(', ')}] to [${options.dims.join(', ')}]`,
      );
    dims = [...options.dims];
  }
  const same = SOURCE_DTYPE[info.dtype] === dtype;
  const range = src.locate(name);
  if (same && range && !transpose) return b.initializer(initName, { dtype, dims, file: range });
  const [rows, cols] = [info.shape[0] ?? 1, info.shape[1] ?? 1];
  const load = async (): Promise<Uint8Array> => {
    if (same && range) return transposeBytes(await readRange(range), rows, cols, BYTES_PER_ELEMENT[dtype]);
    const values = await src.readF32(name);
    const bytes = encodeFloats(values, dtype);
    return transpose ? transposeBytes(bytes, rows, cols, BYTES_PER_ELEMENT[dtype]) : bytes;
  };
  return b.initializer(initName, { dtype, dims, load });
}
