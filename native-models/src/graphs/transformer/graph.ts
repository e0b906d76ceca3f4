/**
 * The QwenImageTransformer2DModel graph: one denoising forward (spec §7.2).
 *
 * Inputs (all float32; `batch`, `image_tokens`, `text_tokens` are dynamic):
 * - `hidden_states` `[batch, image_tokens, in_channels]`: packed latents, noise tokens then reference tokens.
 * - `encoder_hidden_states` `[batch, text_tokens, joint_attention_dim]`: prompt embeddings.
 * - `encoder_hidden_states_mask` `[batch, text_tokens]`: 1 for real tokens, 0 for padding (all ones = no mask);
 *   absent from graphs built with `textMask: false`.
 * - `timestep` `[batch]`: σ = t/1000 (the pipeline divides; the graph multiplies by 1000 inside the sinusoid);
 *   absent from graphs built with `modulation: 'inputs'`, which take instead `img_mod`, `txt_mod`
 *   `[batch, num_layers, 6·D]` and `out_mod` `[batch, 2·D]`: rows of the modulation graph (modulation.ts).
 * - `img_rope_cos`, `img_rope_sin` `[image_tokens, head_dim/2]`, `txt_rope_cos`, `txt_rope_sin`
 *   `[text_tokens, head_dim/2]`: from `qwenImageRopeTables` (rope.ts).
 * - `modulate_index` `[batch, image_tokens]`: only in graphs built with `zeroCondT` (Edit-2511): 0 for noise
 *   tokens, 1 for reference tokens. With `modulation: 'inputs'` also `img_mod_ref` `[batch, num_layers, 6·D]`:
 *   the modulation graph's `img_mod` row for σ = 0.
 * Output: `sample` `[batch, image_tokens, patch²·out_channels]` float32: the flow velocity for every image-stream
 * token; the pipeline keeps the first N_img (noise) tokens.
 */
import {
  GraphBuilder,
  TENSOR_TYPE_CODES,
  castIfNeeded,
  layerNormNoAffine,
  linear,
  rmsNorm,
} from '../../onnx';
import type { IoSpec, PrecisionOptions, SaveOptions, SavedModel } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TransformerConfig } from '../../config/transformer';
import { perTokenModulation, splitSix, transformerBlock } from './block';
import type { BlockModulation } from './block';
import type { AttentionKind, AttentionType, JointInputs, KeyMask, TransformerContext } from './context';
import { MASKED_SCORE } from './attention';
import { blockModulationLinear, blockModulationWidth, siluTimestepEmbedding } from './modulation';

export const TRANSFORMER_INPUTS = {
  hiddenStates: 'hidden_states',
  encoderHiddenStates: 'encoder_hidden_states',
  encoderHiddenStatesMask: 'encoder_hidden_states_mask',
  timestep: 'timestep',
  imgRopeCos: 'img_rope_cos',
  imgRopeSin: 'img_rope_sin',
  txtRopeCos: 'txt_rope_cos',
  txtRopeSin: 'txt_rope_sin',
  modulateIndex: 'modulate_index',
  imgMod: 'img_mod',
  txtMod: 'txt_mod',
  outMod: 'out_mod',
  imgModRef: 'img_mod_ref',
} as const;

export const TRANSFORMER_OUTPUT = 'sample';

export type TransformerGraphOptions = PrecisionOptions &
  Readonly<{
    /** 'mha' (default): com.microsoft MultiHeadAttention; 'matmul': explicit MatMul + Softmax. */
    attention?: AttentionKind;
    /** MultiHeadAttention's element type: the compute type (default) or float16 (context.ts). */
    attentionType?: AttentionType;
    /**
     * true (default): the graph takes `encoder_hidden_states_mask` and masks padded text keys. false: no mask
     * input, every text token attends (right when the text is not padded, e.g. batch 1) and CUDA can use its
     * flash-attention kernel, which takes no mask.
     */
    textMask?: boolean;
    /**
     * Config `zero_cond_t` (Qwen-Image-Edit-2511): adds the input `modulate_index` `[batch, image_tokens]`
     * (0 = noise tokens, modulated with t; 1 = reference tokens, modulated with t = 0). Default false.
     */
    zeroCondT?: boolean;
    /**
     * 'fused' (default): the graph takes `timestep` and holds the modulation Linears. 'inputs': it takes the
     * modulation graph's outputs instead and holds none of those weights (about a third of the model).
     */
    modulation?: 'fused' | 'inputs';
  }>;

/** Where each block's modulation parameters and norm_out's come from. */
type ModulationSource = Readonly<{
  block: (index: number) => BlockModulation;
  /** norm_out's `[B, 2D]` (scale, shift). */
  normOut: () => string;
}>;

/** The modulation Linears inside the graph, fed by `timestep`. */
function fusedModulation(ctx: TransformerContext, isNoise: string | undefined): ModulationSource {
  const { b } = ctx;
  const timestep = b.input(TRANSFORMER_INPUTS.timestep, 'float32', ['batch']);
  if (!isNoise) {
    const siluTemb = siluTimestepEmbedding(ctx, timestep);
    return {
      block: (i) => ({
        img: splitSix(b, blockModulationLinear(ctx, siluTemb, i, 'img')),
        txt: splitSix(b, blockModulationLinear(ctx, siluTemb, i, 'txt')),
      }),
      normOut: () => linear(b, ctx.src, siluTemb, 'norm_out.linear'),
    };
  }
  // zero_cond_t: one Linear over SiLU(temb) for t and for t = 0, split per batch half.
  const both = b.op('Concat', [timestep, b.op('Mul', [timestep, b.constant(0, 'float32')])], { axis: 0 });
  const siluBoth = siluTimestepEmbedding(ctx, both);
  const [siluT] = b.node('Split', [siluBoth], { axis: 0, num_outputs: 2 }, { outputs: 2 }) as [
    string,
    string,
  ];
  return {
    block: (i) => {
      const [withT, withZero] = b.node(
        'Split',
        [blockModulationLinear(ctx, siluBoth, i, 'img')],
        { axis: 0, num_outputs: 2 },
        { outputs: 2 },
      ) as [string, string];
      return {
        img: perTokenModulation(b, isNoise, withT, withZero),
        txt: splitSix(b, blockModulationLinear(ctx, siluT, i, 'txt')),
      };
    },
    normOut: () => linear(b, ctx.src, siluT, 'norm_out.linear'),
  };
}

/** The modulation graph's rows as inputs: no modulation weights in this graph. */
function modulationInputs(ctx: TransformerContext, isNoise: string | undefined): ModulationSource {
  const { b, shape } = ctx;
  const width = blockModulationWidth(shape);
  const dim = shape.numHeads * shape.headDim;
  const stack = (name: string) =>
    castIfNeeded(b, b.input(name, 'float32', ['batch', shape.numLayers, width]), 'float32', b.compute);
  const img = stack(TRANSFORMER_INPUTS.imgMod);
  const txt = stack(TRANSFORMER_INPUTS.txtMod);
  const imgRef = isNoise ? stack(TRANSFORMER_INPUTS.imgModRef) : undefined;
  const out = b.input(TRANSFORMER_INPUTS.outMod, 'float32', ['batch', 2 * dim]);
  const row = (stacked: string, i: number) =>
    b.op('Gather', [stacked, b.constant(i, 'int64')], { axis: 1 }, { name: `/mod_rows/${i}` });
  return {
    block: (i) => ({
      img:
        isNoise && imgRef
          ? perTokenModulation(b, isNoise, row(img, i), row(imgRef, i))
          : splitSix(b, row(img, i)),
      txt: splitSix(b, row(txt, i)),
    }),
    normOut: () => castIfNeeded(b, out, 'float32', b.compute),
  };
}

function jointInputs(
  ctx: TransformerContext,
  hiddenIn: string,
  encoderIn: string,
  mask: string | undefined,
  attention: AttentionKind,
): JointInputs {
  const { b, shape } = ctx;
  const pairs = shape.headDim / 2;
  return b.scope('joint', () => {
    const tables = (imgName: string, txtName: string) => {
      const img = b.input(imgName, 'float32', ['image_tokens', pairs]);
      const txt = b.input(txtName, 'float32', ['text_tokens', pairs]);
      return b.op('Concat', [txt, img], { axis: 0 });
    };
    const ropeCos = tables(TRANSFORMER_INPUTS.imgRopeCos, TRANSFORMER_INPUTS.txtRopeCos);
    const ropeSin = tables(TRANSFORMER_INPUTS.imgRopeSin, TRANSFORMER_INPUTS.txtRopeSin);
    let keys: KeyMask;
    if (!mask) {
      keys = { kind: attention };
    } else if (attention === 'mha') {
      const imageZeros = b.op('ConstantOfShape', [b.op('Shape', [hiddenIn], { start: 0, end: 2 })]);
      const imageOnes = b.op('Add', [imageZeros, b.constant(1, 'float32')]);
      const joined = b.op('Concat', [mask, imageOnes], { axis: 1 });
      keys = { kind: 'mha', keyPaddingMask: b.op('Cast', [joined], { to: TENSOR_TYPE_CODES.int32 }) };
    } else {
      const imageZeros = b.op('ConstantOfShape', [b.op('Shape', [hiddenIn], { start: 0, end: 2 })]);
      const textBias = b.op('Mul', [
        b.op('Sub', [mask, b.constant(1, 'float32')]),
        b.constant(-MASKED_SCORE, 'float32'),
      ]);
      const bias = b.op('Concat', [textBias, imageZeros], { axis: 1 });
      keys = {
        kind: 'matmul',
        keyBias: b.op('Unsqueeze', [
          castIfNeeded(b, bias, 'float32', b.compute),
          b.constant([1, 2], 'int64'),
        ]),
      };
    }
    const textLength = b.op('Shape', [encoderIn], { start: 1, end: 2 });
    return { ropeCos, ropeSin, keys, textLength };
  });
}

/** Builds the whole graph into a GraphBuilder (not yet saved). Throws naming any missing weight. */
export function transformerGraph(
  shape: TransformerConfig,
  src: WeightSource,
  options: TransformerGraphOptions = {},
): GraphBuilder {
  const {
    attention = 'mha',
    textMask = true,
    zeroCondT = false,
    modulation = 'fused',
    ...precision
  } = options;
  const b = new GraphBuilder({ name: 'qwen_image_transformer', ...precision });
  const ctx: TransformerContext = { b, src, shape, attentionType: options.attentionType ?? 'compute' };
  const dim = shape.numHeads * shape.headDim;
  const outChannels = shape.patchSize * shape.patchSize * shape.outChannels;
  const hiddenIn = b.input(TRANSFORMER_INPUTS.hiddenStates, 'float32', [
    'batch',
    'image_tokens',
    shape.inChannels,
  ]);
  const encoderIn = b.input(TRANSFORMER_INPUTS.encoderHiddenStates, 'float32', [
    'batch',
    'text_tokens',
    shape.jointAttentionDim,
  ]);
  const mask = textMask
    ? b.input(TRANSFORMER_INPUTS.encoderHiddenStatesMask, 'float32', ['batch', 'text_tokens'])
    : undefined;

  let image = linear(b, src, castIfNeeded(b, hiddenIn, 'float32', b.compute), 'img_in');
  let text = castIfNeeded(b, encoderIn, 'float32', b.compute);
  text = linear(b, src, rmsNorm(b, src, text, 'txt_norm.weight', 1e-6), 'txt_in');
  const isNoise = zeroCondT
    ? b.op('Unsqueeze', [
        b.op('Equal', [
          b.input(TRANSFORMER_INPUTS.modulateIndex, 'float32', ['batch', 'image_tokens']),
          b.constant(0, 'float32'),
        ]),
        b.constant([2], 'int64'),
      ])
    : undefined;
  const mods = modulation === 'inputs' ? modulationInputs(ctx, isNoise) : fusedModulation(ctx, isNoise);
  const joint = jointInputs(ctx, hiddenIn, encoderIn, mask, attention);
  for (let i = 0; i < shape.numLayers; i++)
    [image, text] = transformerBlock(ctx, i, image, text, mods.block(i), joint);

  const out = b.scope('norm_out', () => {
    const emb = b.op('Unsqueeze', [mods.normOut(), b.constant([1], 'int64')]);
    // AdaLayerNormContinuous: scale first, then shift.
    const [scale, shift] = b.node('Split', [emb], { axis: -1, num_outputs: 2 }, { outputs: 2 }) as [
      string,
      string,
    ];
    const normed = layerNormNoAffine(b, image, dim, 1e-6);
    return b.op('Add', [b.op('Mul', [normed, b.op('Add', [scale, b.constant(1)])]), shift]);
  });
  const sample = castIfNeeded(b, linear(b, src, out, 'proj_out'), b.compute, 'float32');
  b.output(sample, TRANSFORMER_OUTPUT, 'float32', ['batch', 'image_tokens', outChannels]);
  return b;
}

export type TransformerGraphInfo = Readonly<{
  saved: SavedModel;
  inputs: readonly IoSpec[];
  outputs: readonly IoSpec[];
}>;

/**
 * Builds the transformer graph and writes `<outDir>/<modelFile ?? 'transformer.onnx'>` plus its `.data` file.
 * Returns the saved files and the I/O metadata for model.json.
 */
export async function buildTransformerGraph(
  shape: TransformerConfig,
  weights: WeightSource,
  options: TransformerGraphOptions,
  outDir: string,
  save: SaveOptions = {},
): Promise<TransformerGraphInfo> {
  const b = transformerGraph(shape, weights, options);
  const saved = await b.save(outDir, { modelFile: 'transformer.onnx', ...save });
  return { saved, inputs: saved.inputs, outputs: saved.outputs };
}
