/**
 * The components a converted model is made of, in build order. Each line plugs one graph builder in.
 */
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from '../graphs/vae/graph';
import { parseVaeConfig } from '../graphs/vae/config';
import { component } from './component';
import type { ComponentPlugin } from './component';

const vaeEncoder = component({
  name: 'vae_encoder',
  source: 'vae',
  prefixes: ['encoder.', 'quant_conv.'],
  parseConfig: (json, file) => parseVaeConfig(json, file),
  build: (config, weights, settings, outDir) =>
    buildVaeEncoderGraph(config, weights, { precision: settings.precision }, outDir),
  effectivePrecision: () => 'fp32',
});

const vaeDecoder = component({
  name: 'vae_decoder',
  source: 'vae',
  prefixes: ['decoder.', 'post_quant_conv.'],
  parseConfig: (json, file) => parseVaeConfig(json, file),
  build: (config, weights, settings, outDir) =>
    buildVaeDecoderGraph(config, weights, { precision: settings.precision }, outDir),
  effectivePrecision: () => 'fp32',
});

/** Every component the converter builds. */
export const COMPONENTS: readonly ComponentPlugin[] = [vaeEncoder, vaeDecoder];
