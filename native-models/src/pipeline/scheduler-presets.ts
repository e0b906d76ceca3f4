/**
 * The scheduler settings a request can pick. 'default' is the model's own `scheduler_config.json`;
 * 'lightning' is what the Lightning LoRAs were distilled with (ModelTC/Qwen-Image-Lightning,
 * `generate_with_diffusers.py`): shift fixed at 3 (`base_shift = max_shift = ln 3`, so the dynamic shift
 * is ln 3 at every size), exponential time shift and no terminal stretch, so the last sigma before 0 is
 * `3s/(2s + 1)` of the last base sigma `s = 1/N`.
 */
import type { SchedulerPreset } from './edit-vocabulary';
import type { FlowMatchConfig } from './scheduler';

export const LIGHTNING_SCHEDULER: FlowMatchConfig = {
  num_train_timesteps: 1000,
  shift: 1,
  use_dynamic_shifting: true,
  base_shift: Math.log(3),
  max_shift: Math.log(3),
  base_image_seq_len: 256,
  max_image_seq_len: 8192,
  time_shift_type: 'exponential',
  shift_terminal: null,
};

/** The scheduler config `preset` stands for on a model whose own config is `model`. */
export function schedulerFor(preset: SchedulerPreset, model: FlowMatchConfig): FlowMatchConfig {
  return preset === 'lightning' ? LIGHTNING_SCHEDULER : model;
}
