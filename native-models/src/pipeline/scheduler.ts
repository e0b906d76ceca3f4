/**
 * The flow-match Euler scheduler of Qwen-Image(-Edit) (diffusers `FlowMatchEulerDiscreteScheduler` with the
 * released scheduler config; spec §8): linear base sigmas, a resolution-dependent exponential time shift
 * and a terminal stretch so that the last sigma is exactly `shift_terminal`.
 */

import type { SchedulerConfig } from '../config/pipeline';

export type FlowMatchConfig = SchedulerConfig;

/** The released Qwen-Image-Edit values (spec §8.1). */
export const QWEN_IMAGE_SCHEDULER: FlowMatchConfig = {
  num_train_timesteps: 1000,
  base_shift: 0.5,
  max_shift: 0.9,
  base_image_seq_len: 256,
  max_image_seq_len: 8192,
  shift_terminal: 0.02,
  use_dynamic_shifting: true,
  time_shift_type: 'exponential',
  shift: 1,
};

export type Schedule = Readonly<{
  /** `mu` of the dynamic shift (float64, as Python computes it). */
  mu: number;
  /** N + 1 sigmas in float32, the last one 0. */
  sigmas: Float32Array;
  /** N timesteps in float32 (`sigma · num_train_timesteps`). */
  timesteps: Float32Array;
  /** N model time inputs in float32: `timestep / 1000`, as the pipeline passes them. */
  modelTimesteps: Float32Array;
}>;

/** `calculate_shift`: linear in the image sequence length, extrapolated without clamping. */
export function calculateMu(imageSeqLen: number, config: FlowMatchConfig = QWEN_IMAGE_SCHEDULER): number {
  const m = (config.max_shift - config.base_shift) / (config.max_image_seq_len - config.base_image_seq_len);
  const b = config.base_shift - m * config.base_image_seq_len;
  return imageSeqLen * m + b;
}

const f = Math.fround;

/**
 * The sigma schedule for `steps` steps and `imageSeqLen` noise tokens (reference tokens not counted).
 * Each array operation is rounded to float32 where diffusers computes in float32 (numpy/torch), so the
 * values match the reference to round-off.
 */
export function flowMatchSchedule(
  steps: number,
  imageSeqLen: number,
  config: FlowMatchConfig = QWEN_IMAGE_SCHEDULER,
): Schedule {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  // Base sigmas: float64 linspace(1, 1/N, N), then float32.
  const sigmas = new Float32Array(steps + 1);
  // numpy.linspace: i·step + start, with the endpoint set exactly.
  const step = steps === 1 ? 0 : (1 / steps - 1) / (steps - 1);
  for (let i = 0; i < steps; i++) sigmas[i] = i === steps - 1 ? 1 / steps : i * step + 1;
  const mu = calculateMu(imageSeqLen, config);
  if (config.use_dynamic_shifting) {
    const eMu = f(Math.exp(mu));
    for (let i = 0; i < steps; i++) {
      const s = sigmas[i]!;
      if (config.time_shift_type === 'exponential') sigmas[i] = f(eMu / f(eMu + f(f(1 / s) - 1)));
      else sigmas[i] = f(mu / f(mu + f(f(1 / s) - 1)));
    }
  } else {
    const shift = config.shift;
    for (let i = 0; i < steps; i++) {
      const s = sigmas[i]!;
      sigmas[i] = f(f(shift * s) / f(1 + f((shift - 1) * s)));
    }
  }
  // Terminal stretch. With one step the stretch divides by zero in diffusers (spec §8.2); we keep the single
  // sigma at 1 so that a one-step run still goes all the way from noise to the model's estimate.
  const terminal = config.shift_terminal;
  if (terminal !== null && steps > 1) {
    const scale = f(f(1 - sigmas[steps - 1]!) / f(1 - terminal));
    for (let i = 0; i < steps; i++) sigmas[i] = f(1 - f(f(1 - sigmas[i]!) / scale));
  }
  sigmas[steps] = 0;
  const timesteps = new Float32Array(steps);
  const modelTimesteps = new Float32Array(steps);
  for (let i = 0; i < steps; i++) {
    timesteps[i] = f(sigmas[i]! * config.num_train_timesteps);
    modelTimesteps[i] = f(timesteps[i]! / 1000);
  }
  return { mu, sigmas, timesteps, modelTimesteps };
}

/**
 * One Euler step in place: `x += (σ_next − σ) · v`, in float32 like the scheduler's `step`. Returns `x`.
 */
export function eulerStep(
  x: Float32Array,
  velocity: Float32Array,
  sigma: number,
  sigmaNext: number,
): Float32Array {
  if (x.length !== velocity.length)
    throw new Error(`latent length ${x.length} != velocity length ${velocity.length}`);
  const dt = f(sigmaNext - sigma);
  for (let i = 0; i < x.length; i++) x[i] = f(x[i]! + f(dt * velocity[i]!));
  return x;
}
