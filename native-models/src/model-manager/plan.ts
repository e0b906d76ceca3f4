/**
 * Fits a model to the GPU: from the measured size of each converted component, the free VRAM and the output
 * size, which precision and memory policy to run with, the numbers behind it, and a refusal before anything
 * is loaded when nothing fits.
 *
 * Peak GPU memory (bytes), with W×H the output size:
 * - tokens     T = 2·(W/16)·(H/16) + 1024   (output + reference latent patches, text and vision tokens budget)
 * - transformer activations  A_dit = 2 · T · 3072 · 24 · 2   (CFG pair × tokens × hidden × ~24 live hidden-sized
 *   bf16 tensors per block: residual, norms, QKV, attention out, 4× MLP; attention is fused, so nothing T²)
 * - VAE activations          A_vae = W · H · 128 · 4 · 4   (fp32 graphs, four 128-channel full-resolution tensors)
 * - text activations         A_txt = 1024 · 3584 · 40 · 2
 * - overhead                 O     = 1 GiB (CUDA context, ORT arena, cuDNN/cuBLAS workspaces)
 * - resident:   Σ weights + max(A_dit, A_vae, A_txt) + O
 * - low-memory: max(text + vision + VAE + max(A_txt, A_vae),  transformer + VAE + A_dit,  VAE + A_vae) + O
 *   (low-memory releases text and vision before denoising and the transformer before decoding; the small
 *   VAE graphs stay; on a GPU the modulation graph runs on the CPU — `modulationProviders` — so its weights
 *   leave VRAM; planning for the CPU counts them).
 * Sizes at another precision scale the quantised components (transformer, modulation, text) by bytes per element
 * (fp32 4, bf16 2, int8 1.07, int4 0.57, the converter's own estimate); the others stay as measured.
 * A plan fits when its peak ≤ free VRAM − 512 MiB. Preference: bf16 over int8 over int4, resident over
 * low-memory at the same precision.
 */
import type { ComponentName, ModelManifest } from '../model-store/manifest';
import type { Precision } from '../onnx';
import type { MemoryPolicy } from '../pipeline/edit-request';
import type { MachineInfo } from './gpu-probe';

export type ComponentSizes = Readonly<Record<ComponentName, number>>;
export type MeasuredModel = Readonly<{ precision: Precision; bytes: ComponentSizes }>;

export type PlanOption = Readonly<{
  precision: Precision;
  policy: MemoryPolicy;
  weightsBytes: number;
  peakBytes: number;
  fits: boolean;
  /** Converting again is needed (the installed model is at another precision). */
  needsConversion: boolean;
}>;

export type Plan = Readonly<{
  device: string;
  availableBytes: number;
  activations: Readonly<{ transformer: number; vae: number; text: number; overhead: number }>;
  options: readonly PlanOption[];
  recommended: PlanOption | null;
  /** One paragraph: what was chosen and why, or why nothing fits. */
  summary: string;
}>;

const GIB = 1024 ** 3;
const MARGIN = 512 * 1024 ** 2;
const BYTES_PER_ELEMENT: Readonly<Record<Precision, number>> = { fp32: 4, bf16: 2, int8: 1.07, int4: 0.57 };
/** Preference order: quality first (fp16 overflows in this model, so bf16 leads on GPUs). */
const GPU_PRECISIONS: readonly Precision[] = ['bf16', 'int8', 'int4', 'fp32'];
const CPU_PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'int8', 'int4'];
const POLICIES: readonly MemoryPolicy[] = ['resident', 'low-memory'];
/** The components the converter quantises; `modulation` (the transformer's AdaLN linears) runs beside it. */
const QUANTISED: readonly ComponentName[] = ['transformer', 'modulation', 'text'];

export const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;

/** Bytes on disk of each component of a converted model, from its manifest. */
export function measuredSizes(manifest: ModelManifest): MeasuredModel {
  // The prompt enhancer's generator is loaded only to write text, never beside an edit's sessions: not counted.
  const bytes = {
    transformer: 0,
    modulation: 0,
    text: 0,
    vision: 0,
    vae_encoder: 0,
    vae_decoder: 0,
    generator: 0,
  };
  for (const [name, entry] of Object.entries(manifest.components) as [
    ComponentName,
    { files: readonly string[] },
  ][]) {
    if (name === 'generator') continue;
    bytes[name] = entry.files.reduce((sum, f) => sum + (manifest.files[f]?.bytes ?? 0), 0);
  }
  return { precision: manifest.precision, bytes };
}

export function activationBytes(width: number, height: number) {
  const tokens = 2 * Math.ceil(width / 16) * Math.ceil(height / 16) + 1024;
  return {
    transformer: 2 * tokens * 3072 * 24 * 2,
    vae: width * height * 128 * 4 * 4,
    text: 1024 * 3584 * 40 * 2,
    overhead: GIB,
  };
}

function sizesAt(model: MeasuredModel, precision: Precision): ComponentSizes {
  const scale = BYTES_PER_ELEMENT[precision] / BYTES_PER_ELEMENT[model.precision];
  const out = { ...model.bytes };
  for (const name of QUANTISED) out[name] = model.bytes[name] * scale;
  return out;
}

function peak(
  s: ComponentSizes,
  policy: MemoryPolicy,
  a: ReturnType<typeof activationBytes>,
  gpu: boolean,
): number {
  const vae = s.vae_encoder + s.vae_decoder;
  const denoiser = s.transformer + s.modulation;
  if (policy === 'resident') {
    const weights = denoiser + s.text + s.vision + vae;
    return weights + Math.max(a.transformer, a.vae, a.text) + a.overhead;
  }
  return (
    Math.max(
      s.text + s.vision + vae + Math.max(a.text, a.vae),
      (gpu ? s.transformer : denoiser) + vae + a.transformer,
      vae + a.vae,
    ) + a.overhead
  );
}

export type PlanRequest = Readonly<{
  model: MeasuredModel;
  machine: MachineInfo;
  width: number;
  height: number;
  /** GPU index (default 0); 'cpu' plans for host memory. */
  device?: number | 'cpu';
}>;

export function planModel(request: PlanRequest): Plan {
  const { model, machine } = request;
  const a = activationBytes(request.width, request.height);
  const gpu =
    request.device === 'cpu' ? undefined : machine.gpus.find((g) => g.index === (request.device ?? 0));
  const cpu = !gpu;
  const availableBytes = (gpu ? gpu.freeBytes : machine.freeRamBytes) - MARGIN;
  const device = gpu
    ? `GPU ${gpu.index} (${gpu.name}, ${gb(gpu.freeBytes)} free of ${gb(gpu.totalBytes)})`
    : `CPU (${gb(machine.freeRamBytes)} RAM free)`;
  const precisions = cpu ? CPU_PRECISIONS : GPU_PRECISIONS;
  const options = precisions.flatMap((precision) =>
    POLICIES.map((policy): PlanOption => {
      const sizes = sizesAt(model, precision);
      const peakBytes = peak(sizes, policy, a, !cpu);
      return {
        precision,
        policy,
        weightsBytes: Object.values(sizes).reduce((x, y) => x + y, 0),
        peakBytes,
        fits: peakBytes <= availableBytes,
        needsConversion: precision !== model.precision,
      };
    }),
  );
  // fp32 on a GPU is only ever a fallback for debugging: it is listed, never recommended.
  const recommended = options.find((o) => o.fits && (cpu || o.precision !== 'fp32')) ?? null;
  const smallest = options.reduce((x, y) => (y.peakBytes < x.peakBytes ? y : x));
  const at = `${request.width}×${request.height}`;
  const summary = recommended
    ? `${recommended.precision} + ${recommended.policy} on ${device}: peak ${gb(recommended.peakBytes)} at ${at} (weights ${gb(recommended.weightsBytes)}, activations and overhead the rest)${recommended.needsConversion ? `; the installed model is ${model.precision}, convert it to ${recommended.precision}` : ''}`
    : `nothing fits ${device} at ${at}: the smallest option (${smallest.precision} + ${smallest.policy}) needs ${gb(smallest.peakBytes)}, ${gb(availableBytes)} is usable; choose a smaller output size or another device`;
  return { device, availableBytes, activations: a, options, recommended, summary };
}

export class ModelFitError extends Error {
  readonly code = 'model-does-not-fit';
  constructor(message: string) {
    super(message);
    this.name = 'ModelFitError';
  }
}

/** The refusal before loading: throws when this model, as installed, cannot run with `policy` at this size. */
export function assertFits(request: PlanRequest, policy: MemoryPolicy): Plan {
  const plan = planModel(request);
  const option = plan.options.find((o) => o.precision === request.model.precision && o.policy === policy);
  if (option && !option.fits) {
    const better = plan.recommended
      ? ` Recommended: ${plan.recommended.precision} + ${plan.recommended.policy}.`
      : '';
    throw new ModelFitError(
      `This ${request.model.precision} model with the ${policy} policy needs about ${gb(option.peakBytes)} at ${request.width}×${request.height}, but ${plan.device} leaves ${gb(plan.availableBytes)} usable; nothing was loaded.${better}`,
    );
  }
  return plan;
}

/**
 * Qwen-Image-Edit at bf16 from its parameter counts (20.43B transformer with its AdaLN modulation, 7.62B language model, 0.67B vision,
 * 0.13B VAE in fp32 graphs), for planning before anything is converted.
 */
export const PUBLISHED_BF16_SIZES: MeasuredModel = {
  precision: 'bf16',
  bytes: {
    transformer: 40.86e9,
    modulation: 0,
    text: 15.24e9,
    vision: 1.34e9,
    vae_encoder: 0.22e9,
    vae_decoder: 0.29e9,
    generator: 0,
  },
};
