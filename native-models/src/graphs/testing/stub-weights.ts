/** A weight source with names and shapes but no data: enough to build (not save) a graph of any size. */
import type { ExpectedTensor } from '../../config/expected-tensor';
import type { WeightSource } from '../../weights';

export function stubWeights(tensors: readonly ExpectedTensor[]): WeightSource {
  const shapes = new Map(tensors.map((t) => [t.name, t.shape]));
  return {
    names: () => [...shapes.keys()],
    has: (name) => shapes.has(name),
    info: (name) => {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`weight '${name}' is missing`);
      return { dtype: 'BF16', shape };
    },
    readF32: (name) => Promise.reject(new Error(`the stub weight source holds no data ('${name}')`)),
    locate: () => undefined,
  };
}
