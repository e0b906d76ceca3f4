/**
 * Which ONNX Runtime execution provider runs the model: CUDA when the binding has its provider library,
 * else the CPU; `QWEN_EDIT_EP=cpu|cuda|webgpu` (or an explicit choice) forces one (WebGPU only by name). The store's `openModel`
 * creates CUDA sessions with `session.disable_cpu_ep_fallback`, so a node CUDA cannot run fails loudly
 * instead of silently running on the CPU, and reports a whole-provider fallback in one log line.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Provider } from '../model-store/open-model';
import type { MemoryPolicy } from './edit-vocabulary';

export type ProviderChoice = 'auto' | 'cuda' | 'webgpu' | 'cpu';

/** Reads `QWEN_EDIT_EP`; anything other than cuda/webgpu/cpu means auto. */
export function providerFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderChoice {
  const v = env.QWEN_EDIT_EP?.toLowerCase();
  return v === 'cuda' || v === 'webgpu' || v === 'cpu' ? v : 'auto';
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed next to the binding (it is downloaded at
 * install time on linux/x64 and absent when the install skipped it).
 */
export function cudaProviderInstalled(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    const lib =
      process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(root, 'bin', 'napi-v6', process.platform, process.arch, lib));
  } catch {
    return false;
  }
}

/** The providers to try, in order. */
export function providerOrder(choice: ProviderChoice, cudaInstalled: boolean): Provider[] {
  if (choice !== 'auto') return [choice];
  return cudaInstalled ? ['cuda', 'cpu'] : ['cpu'];
}

/**
 * Where the modulation graph runs (issue 14): it maps the timestep alone to every block's AdaLN vectors, once
 * per edit for all steps, yet holds a third of the transformer's weights (13.6 GB bf16). Under the
 * low-memory policy on a GPU it runs on the CPU, freeing that VRAM for one GEMM per edit; otherwise beside
 * the transformer.
 */
export function modulationProviders(policy: MemoryPolicy, providers: readonly Provider[]): Provider[] | null {
  return policy === 'low-memory' && providers[0] !== 'cpu' ? ['cpu'] : null;
}
