/** Test helper: loads a model in ONNX Runtime, runs it once with `feeds`, and releases the session. */
import * as ort from 'onnxruntime-node';

/** A feed as the graphs' feed builders describe it (converted to an `ort.Tensor` here). */
type Feed =
  ort.Tensor | { dtype: 'float32' | 'int64'; data: Float32Array | BigInt64Array; dims: readonly number[] };

export async function runOnce(
  model: string | Uint8Array,
  feeds: Record<string, Feed>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession.OnnxValueMapType> {
  // One CPU thread: results do not depend on the machine's core count.
  const settings = { executionProviders: ['cpu'], intraOpNumThreads: 1, ...options };
  const session = await (typeof model === 'string'
    ? ort.InferenceSession.create(model, settings)
    : ort.InferenceSession.create(model, settings));
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([k, f]) => [k, 'dtype' in f ? new ort.Tensor(f.dtype, f.data, f.dims) : f]),
    );
    return await session.run(tensors);
  } finally {
    await session.release();
  }
}
