/** Test helper: loads a saved model in ONNX Runtime, runs it once with `feeds`, and releases the session. */
import * as ort from 'onnxruntime-node';

export async function runOnce(
  modelPath: string,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
