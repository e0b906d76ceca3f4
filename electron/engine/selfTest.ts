/**
 * `engine:selftest`: runs the built-in ONNX graph again and again for about the asked time. It proves the
 * native module works in this process, measures it, and is the workload behind the responsiveness and cancel
 * tests: between two runs it yields to the event loop, which is when a cancel message can arrive.
 */
import * as ort from 'onnxruntime-node';
import { buildSelfTestModel, SELF_TEST_INPUT } from '../../native-models/src';
import type { EngineParamsOf, EngineResultOf } from '../shared/engineProtocol';
import type { JobContext } from './EngineHost';

const SIZE = 768;
const DEPTH = 48;

let session: Promise<ort.InferenceSession> | null = null;

function getSession(): Promise<ort.InferenceSession> {
  session ??= ort.InferenceSession.create(buildSelfTestModel({ size: SIZE, depth: DEPTH }), {
    executionProviders: ['cpu'],
  });
  return session;
}

export async function runSelfTest(
  { jobId, seconds }: EngineParamsOf<'engine:selftest'>,
  ctx: JobContext,
): Promise<EngineResultOf<'engine:selftest'>> {
  const s = await getSession();
  const input = new ort.Tensor('float32', new Float32Array(SIZE * SIZE).fill(0.01), [SIZE, SIZE]);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let runs = 0;
  do {
    await s.run({ [SELF_TEST_INPUT]: input });
    runs++;
    // Yield a macrotask so a pending cancel message is delivered before the next blocking run.
    await new Promise((resolve) => setImmediate(resolve));
    if (ctx.signal.aborted) throw new Error('cancelled');
    ctx.emit('job:progress', {
      jobId,
      step: runs,
      total: Math.max(runs, 1),
      elapsedMs: performance.now() - started,
    });
  } while (performance.now() < deadline);
  const elapsedMs = performance.now() - started;
  return { runs, elapsedMs, msPerRun: elapsedMs / runs, provider: 'cpu' };
}
