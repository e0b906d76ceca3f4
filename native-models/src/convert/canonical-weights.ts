/**
 * Presents a text encoder's weights under the current transformers spelling whatever spelling the file
 * uses (`visual.*` / `model.layers.*` in older checkpoints), so graph builders need to know only one.
 */
import type { WeightSource } from '../weights';
import { canonicalTextEncoderName } from '../config/text-encoder-tensors';

export function canonicalTextEncoderWeights(source: WeightSource): WeightSource {
  const toStored = new Map<string, string>();
  for (const stored of source.names()) toStored.set(canonicalTextEncoderName(stored), stored);
  if ([...toStored].every(([canonical, stored]) => canonical === stored)) return source;
  const stored = (name: string) => toStored.get(name) ?? name;
  const names = [...toStored.keys()];
  return {
    names: () => names,
    has: (name) => toStored.has(name),
    info: (name) => source.info(stored(name)),
    readF32: (name) => source.readF32(stored(name)),
    locate: (name) => source.locate(stored(name)),
  };
}
