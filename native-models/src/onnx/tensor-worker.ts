/** A worker thread of the tensor runner: runs each job it is sent and hands its output buffers back. */
import { parentPort } from 'node:worker_threads';
import { runTensorOp } from './tensor-kernel';
import type { TensorInput, TensorOp } from './tensor-kernel';

const port = parentPort!;
port.on('message', ({ id, op, input }: { id: number; op: TensorOp; input: TensorInput }) => {
  try {
    const outputs = runTensorOp(op, input);
    const buffers = new Set(outputs.map((o) => o.buffer as ArrayBuffer));
    port.postMessage({ id, outputs }, [...buffers]);
  } catch (error) {
    port.postMessage({ id, error: (error as Error).message });
  }
});
