/**
 * A WeightSource over one or more .safetensors files. Only headers are read up front; each tensor is read
 * on demand with a positioned read of its byte range, so memory use is one tensor at a time whatever the
 * checkpoint's size.
 */
import { open } from 'node:fs/promises';
import type { FileRange, WeightInfo, WeightSource } from '../weights';
import { bytesToF32 } from './dtype';
import { readSafetensorsHeader } from './header';
import type { SafetensorsHeader, TensorEntry } from './header';

/** A WeightSource that also hands out a tensor's raw stored bytes (for copying without conversion). */
export interface SafetensorsWeights extends WeightSource {
  /** The tensor's stored bytes, in its own dtype. */
  readBytes(name: string): Promise<Uint8Array>;
  /** The files behind this source, in order. */
  readonly files: readonly string[];
  /** Total bytes of tensor data. */
  readonly totalBytes: number;
}

/** Opens a single .safetensors file. */
export async function openSafetensors(path: string): Promise<SafetensorsWeights> {
  return weightsFromHeaders([await readSafetensorsHeader(path)], path);
}

/**
 * Combines validated headers into one source. `label` names the checkpoint in errors (a file or an
 * index). A tensor present in two files is an error, as it is for the upstream loaders.
 */
export function weightsFromHeaders(headers: readonly SafetensorsHeader[], label: string): SafetensorsWeights {
  const byName = new Map<string, { entry: TensorEntry; path: string }>();
  for (const header of headers) {
    for (const entry of header.tensors) {
      const previous = byName.get(entry.name);
      if (previous) {
        throw new Error(
          `${label}: tensor '${entry.name}' is stored twice, in ${previous.path} and ${header.path}`,
        );
      }
      byName.set(entry.name, { entry, path: header.path });
    }
  }
  const get = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new Error(`${label}: tensor '${name}' not found`);
    return found;
  };
  const readBytes = async (name: string): Promise<Uint8Array> => {
    const { entry, path } = get(name);
    const bytes = new Uint8Array(entry.length);
    const fh = await open(path, 'r');
    try {
      let done = 0;
      while (done < entry.length) {
        const { bytesRead } = await fh.read(bytes, done, entry.length - done, entry.offset + done);
        if (bytesRead === 0)
          throw new Error(`${path}: tensor '${name}' ends early: the file shrank while being read`);
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    return bytes;
  };
  const names = [...byName.keys()];
  return {
    files: headers.map((h) => h.path),
    totalBytes: [...byName.values()].reduce((sum, { entry }) => sum + entry.length, 0),
    names: () => names,
    has: (name) => byName.has(name),
    info: (name): WeightInfo => {
      const { entry } = get(name);
      return { dtype: entry.dtype, shape: entry.shape };
    },
    readBytes,
    readF32: async (name) => bytesToF32(get(name).entry.dtype, await readBytes(name)),
    locate: (name): FileRange => {
      const { entry, path } = get(name);
      return { path, offset: entry.offset, length: entry.length };
    },
  };
}
