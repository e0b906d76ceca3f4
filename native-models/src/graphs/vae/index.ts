/**
 * # VAE graphs (native-models/src/graphs/vae)
 *
 * Single-frame `AutoencoderKLQwenImage` as two ONNX graphs, float32 at every precision:
 * - `buildVaeEncoderGraph`: `image [batch, 3, height, width]` in [−1, 1] (multiples of 16) →
 *   `latent_mean [batch, z_dim, height/8, width/8]`, the posterior mean before the host's latents_mean/std
 *   normalisation;
 * - `buildVaeDecoderGraph`: de-normalised `latents [batch, z_dim, h, w]` → `image [batch, 3, 8h, 8w]` clamped
 *   to [−1, 1].
 * Causal 3-D convs on one frame are 2-D convs with the last temporal kernel slice; `time_conv` weights are
 * not used. `config/vae-tensors.ts` lists every checkpoint tensor.
 */
export { buildVaeEncoderGraph, buildVaeDecoderGraph, VAE_IO } from './graph';
export type { VaeGraphOptions } from './graph';
export { vaeEncoderLayers, vaeDecoderLayers } from './architecture';
export type { VaeLayer } from './architecture';
