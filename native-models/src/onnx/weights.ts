/**
 * Initializers from a WeightSource: checkpoint tensors registered lazily (read, converted or transposed only
 * when `save()` reaches them), copied byte-for-byte from their file where dtype and layout already match.
 */
import { open } from 'node:fs/promises';
import type { GraphBuilder } from './graph-builder';
import { weightJob } from './tensor-job';
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

const TILE = 64;

function transposeTiled(
  s: Uint32Array | Uint16Array,
  d: Uint32Array | Uint16Array,
  rows: number,
  cols: number,
): void {
  // Tiles keep both the reads and the scattered writes inside the cache: a plain double loop over a
  // 12288×3072 matrix is several times slower.
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) d[c * rows + r] = s[base + c]!;
      }
    }
  }
}

/** Transposes a row-major [rows, cols] matrix of `elementBytes`-byte elements. */
export function transposeBytes(
  src: Uint8Array,
  rows: number,
  cols: number,
  elementBytes: number,
): Uint8Array {
  if (src.length !== rows * cols * elementBytes)
    throw new Error(`transposeBytes: ${src.length} bytes is not ${rows}×${cols}×${elementBytes}`);
  const out = new Uint8Array(src.length);
  // Typed views need aligned offsets: copy when the source is not aligned.
  const aligned = src.byteOffset % elementBytes === 0 ? src : src.slice();
  if (elementBytes === 4) {
    transposeTiled(
      new Uint32Array(aligned.buffer, aligned.byteOffset, rows * cols),
      new Uint32Array(out.buffer),
      rows,
      cols,
    );
  } else if (elementBytes === 2) {
    transposeTiled(
      new Uint16Array(aligned.buffer, aligned.byteOffset, rows * cols),
      new Uint16Array(out.buffer),
      rows,
      cols,
    );
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
  const op = { kind: 'store', dtype, ...(transpose ? { transpose: [rows, cols] as const } : {}) } as const;
  return b.initializer(initName, { dtype, dims, job: weightJob(src, name, op, !transpose), output: 0 });
}
