/**
 * The components a converted model is made of, in build order. Each entry plugs one graph builder in:
 * its config parser (which refuses what it cannot build) and its build function.
 */
import { readTextEncoderConfig } from '../config/text-encoder';
import { buildTextGraph } from '../graphs/text/graph';
import { LM_HEAD_WEIGHT, buildGeneratorGraph } from '../graphs/generate/graph';
import { tiedWordEmbeddings } from '../config/generation';
import { buildTransformerGraph } from '../graphs/transformer/graph';
import { buildModulationGraph } from '../graphs/transformer/modulation';
import { readVaeConfig } from '../config/vae';
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from '../graphs/vae/graph';

import { buildVisionGraph } from '../graphs/vision/graph';
import type { Precision } from '../onnx';
import { readTransformerConfig } from '../config/transformer';
import { component } from './component';
import type { ComponentPlugin, ConvertSettings } from './component';

/** Only the transformer's and the language model's linears are quantised; other graphs stay dense. */
const denseOnly = (p: Precision): Precision => (p === 'bf16' ? 'bf16' : 'fp32');

const quantOptions = (s: ConvertSettings) => ({
  precision: s.precision,
  blockSize: s.blockSize,
  ...(s.compute ? { compute: s.compute } : {}),
});

/**
 * The pipeline runs each CFG branch as its own batch-1 forward with unpadded text, so the transformer takes no
 * mask (ORT may then pick its mask-free attention kernels), and its AdaLN parameters come from `modulation`.
 */
const transformer = component({
  name: 'transformer',
  source: 'transformer',
  prefixes: [''],
  parseConfig: (json, file) => readTransformerConfig(json, file),
  build: async (shape, weights, settings, outDir) =>
    (
      await buildTransformerGraph(
        shape,
        weights,
        { ...quantOptions(settings), modulation: 'inputs', textMask: false, zeroCondT: shape.zeroCondT },
        outDir,
      )
    ).saved,
  effectivePrecision: (p) => p,
});

/** Every block's modulation vectors for all timesteps of an edit at once (graphs/transformer/modulation.ts). */
const modulation = component({
  name: 'modulation',
  source: 'transformer',
  prefixes: ['time_text_embed.', 'norm_out.linear.'],
  parseConfig: (json, file) => readTransformerConfig(json, file),
  build: async (shape, weights, settings, outDir) =>
    (await buildModulationGraph(shape, weights, quantOptions(settings), outDir)).saved,
  effectivePrecision: (p) => p,
});

const vision = component({
  name: 'vision',
  source: 'text_encoder',
  prefixes: ['model.visual.'],
  parseConfig: (json, file) => readTextEncoderConfig(json, file).vision,
  build: (config, weights, settings, outDir) =>
    buildVisionGraph(config, weights, { precision: settings.precision }, outDir),
  effectivePrecision: denseOnly,
});

const text = component({
  name: 'text',
  source: 'text_encoder',
  prefixes: ['model.language_model.'],
  parseConfig: (json, file) => readTextEncoderConfig(json, file),
  build: (config, weights, settings, outDir) =>
    buildTextGraph(config, weights, quantOptions(settings), outDir),
  effectivePrecision: (p) => p,
});

/** The language model with lm_head and a key/value cache, for the enhancer and captions: optional. */
const generator = component({
  name: 'generator',
  source: 'text_encoder',
  prefixes: ['model.language_model.', 'lm_head.'],
  parseConfig: (json, file) => ({
    shape: readTextEncoderConfig(json, file),
    tied: tiedWordEmbeddings(json, file),
  }),
  unavailable: ({ tied }, weights) =>
    tied || weights.has(LM_HEAD_WEIGHT) ? undefined : `the checkpoint has no ${LM_HEAD_WEIGHT}`,
  build: ({ shape, tied }, weights, settings, outDir) =>
    buildGeneratorGraph(shape, weights, { ...quantOptions(settings), tied }, outDir),
  effectivePrecision: (p) => p,
});

/** Where the generator's decoding defaults live, in the checkpoint's text_encoder/ and the model's generator/. */
export const GENERATION_CONFIG = 'generation_config.json';

const vaeEncoder = component({
  name: 'vae_encoder',
  source: 'vae',
  prefixes: ['encoder.', 'quant_conv.'],
  parseConfig: (json, file) => readVaeConfig(json, file),
  build: (config, weights, settings, outDir) =>
    buildVaeEncoderGraph(config, weights, { precision: settings.precision }, outDir),
  // The VAE always computes in float32 (ORT lacks bf16 Resize; the VAE is small).
  effectivePrecision: () => 'fp32',
});

const vaeDecoder = component({
  name: 'vae_decoder',
  source: 'vae',
  prefixes: ['decoder.', 'post_quant_conv.'],
  parseConfig: (json, file) => readVaeConfig(json, file),
  build: (config, weights, settings, outDir) =>
    buildVaeDecoderGraph(config, weights, { precision: settings.precision }, outDir),
  effectivePrecision: () => 'fp32',
});

/** Every component the converter builds. */
export const COMPONENTS: readonly ComponentPlugin[] = [
  text,
  vision,
  transformer,
  modulation,
  vaeEncoder,
  vaeDecoder,
  generator,
];
