/**
 * The refusal before loading: on CUDA, a model whose measured component sizes plus the activations at the
 * requested size exceed the GPU's free memory (with the memory policy in force) is not loaded at all; the
 * message gives the numbers and what would fit. On the CPU, or without nvidia-smi, nothing is refused here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertFits,
  cudaProviderInstalled,
  measuredSizes,
  MODEL_MANIFEST,
  ModelFitError,
  probeMachine,
  providerFromEnv,
} from '../../native-models/src';
import type { MachineInfo, MemoryPolicy } from '../../native-models/src';

export type FitContext = Readonly<{
  cuda: boolean;
  machine: () => Promise<MachineInfo>;
  policy: MemoryPolicy;
}>;

const defaultContext = (): FitContext => ({
  cuda: providerFromEnv() !== 'cpu' && cudaProviderInstalled(),
  machine: () => probeMachine(),
  policy: process.env.QWEN_EDIT_MEMORY === 'low-memory' ? 'low-memory' : 'resident',
});

/** Why the model in `folder` cannot run at `size`, or null when it can (or it cannot be told). */
export async function fitRefusal(
  folder: string,
  size: { width: number; height: number },
  context: FitContext = defaultContext(),
): Promise<string | null> {
  if (!context.cuda || !folder) return null;
  const manifest = await readFile(join(folder, MODEL_MANIFEST), 'utf8').catch(() => null);
  if (!manifest) return null;
  const machine = await context.machine();
  if (machine.gpus.length === 0) return null;
  try {
    assertFits({ model: measuredSizes(JSON.parse(manifest)), machine, ...size }, context.policy);
    return null;
  } catch (error) {
    if (error instanceof ModelFitError) return error.message;
    throw error;
  }
}
