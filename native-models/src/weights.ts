/**
 * The one interface between checkpoint readers (safetensors, the tiny-model generator) and the graph
 * builders: tensors by their exact checkpoint names, readable as float32, and — where the bytes can be
 * used as they are — located in their file so a graph can point at them without a copy through JS memory.
 */
export type DType = 'F32' | 'F16' | 'BF16';

export type WeightInfo = Readonly<{ dtype: DType; shape: readonly number[] }>;

/** Where a tensor's raw little-endian bytes lie on disk. */
export type FileRange = Readonly<{ path: string; offset: number; length: number }>;

export interface WeightSource {
  /** Every tensor name, in file order. */
  names(): readonly string[];
  has(name: string): boolean;
  /** Throws an Error naming the tensor (and the file, where known) when it is absent. */
  info(name: string): WeightInfo;
  /** The tensor converted to float32 (F16/BF16 widened exactly). */
  readF32(name: string): Promise<Float32Array>;
  /** The tensor's bytes in a file, when it is stored in one; undefined for in-memory sources. */
  locate(name: string): FileRange | undefined;
}

/** An in-memory source for tests and for the tiny-model generator. */
export function memoryWeightSource(
  tensors: Readonly<Record<string, { shape: readonly number[]; data: Float32Array }>>,
): WeightSource {
  const get = (name: string) => {
    const t = tensors[name];
    if (!t) throw new Error(`weight '${name}' is missing`);
    return t;
  };
  return {
    names: () => Object.keys(tensors),
    has: (name) => name in tensors,
    info: (name) => ({ dtype: 'F32', shape: get(name).shape }),
    readF32: async (name) => get(name).data,
    locate: () => undefined,
  };
}
