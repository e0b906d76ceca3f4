/**
 * A tensor job: the work behind one or more initializers (a quantised weight gives its packed blocks and its
 * scales), as an operation and the slabs of rows it reads. Slabs keep the memory of a huge tensor — the
 * language model's embedding table — to a few tens of MB, where reading it whole would hold it twice.
 */
import type { WeightSource } from '../weights';
import type { TensorInput, TensorOp } from './tensor-kernel';
import { readRange } from './weights';

export type TensorSlab = Readonly<{
  /** Bytes the slab reads (its share of the memory budget until its outputs are written). */
  inputBytes: number;
  /** Reads the slab; `owned` inputs may be handed to another thread without a copy. */
  read: () => Promise<TensorInput & { owned: boolean }>;
}>;

export type TensorJob = Readonly<{ op: TensorOp; outputs: number; slabs: readonly TensorSlab[] }>;

/** Rows per slab are chosen so that a slab reads about this much. */
export const SLAB_BYTES = 16 << 20;

/**
 * The job for checkpoint tensor `name` under `op`, read in slabs of rows when `byRows` (every op but a
 * transpose) and the bytes lie in a file. Other sources (in memory, or computed like a fused LoRA, whose
 * `locate` is undefined) are read whole through `readF32`.
 */
export function weightJob(
  src: WeightSource,
  name: string,
  op: TensorOp,
  byRows: boolean,
  slabBytes = SLAB_BYTES,
): TensorJob {
  const info = src.info(name);
  const outputs = op.kind === 'quantize' ? 2 : 1;
  const range = src.locate(name);
  if (!range) {
    const elements = info.shape.reduce((a, d) => a * d, 1);
    const read = async () => ({
      bytes: asBytes(await src.readF32(name)),
      dtype: 'F32' as const,
      owned: false,
    });
    return { op, outputs, slabs: [{ inputBytes: elements * 4, read }] };
  }
  const rows = byRows && range.length > 0 ? Math.max(1, info.shape[0] ?? 1) : 1;
  const rowBytes = range.length / rows;
  const perSlab = Math.max(1, Math.floor(slabBytes / rowBytes));
  const slabs: TensorSlab[] = [];
  for (let r0 = 0; r0 < rows; r0 += perSlab) {
    const length = Math.min(perSlab, rows - r0) * rowBytes;
    const slab = { path: range.path, offset: range.offset + r0 * rowBytes, length };
    slabs.push({
      inputBytes: length,
      read: async () => ({ bytes: await readRange(slab), dtype: info.dtype, owned: true }),
    });
  }
  return { op, outputs, slabs };
}

const asBytes = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
