/**
 * The modulation graph: every block's AdaLN parameters (`img_mod`, `txt_mod`) and `norm_out`'s scale/shift,
 * for all timesteps of a run at once. They depend on t alone — not on the image, the prompt or the CFG
 * branch — and their Linears hold about a third of the transformer's weights, so a run reads them once
 * (one GEMM per layer with M = number of timesteps) instead of holding them beside the transformer.
 *
 * Input: `timestep` `[steps]` float32 (σ = t/1000). Outputs (float32): `img_mod`, `txt_mod`
 * `[steps, num_layers, 6·D]` (shift1, scale1, gate1, shift2, scale2, gate2 per block) and `out_mod`
 * `[steps, 2·D]` (norm_out: scale, shift). Row s of each output is what the fused graph computes for
 * timestep s; a transformer built with `modulation: 'inputs'` takes one row per batch item.
 *
 * zero_cond_t (Edit-2511) needs no second graph: the host appends σ = 0 to the timesteps and feeds that
 * row's `img_mod` as the transformer's `img_mod_ref`.
 */
import { GraphBuilder, castIfNeeded, linear, silu } from '../../onnx';
import type { IoSpec, PrecisionOptions, SaveOptions, SavedModel } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { TransformerConfig } from '../../config/transformer';
import type { TransformerContext } from './context';
import { timestepEmbedding } from './timestep';

export const MODULATION_IO = {
  timestep: 'timestep',
  img: 'img_mod',
  txt: 'txt_mod',
  out: 'out_mod',
} as const;

/** Modulation parameters per block and stream: 6·D values. */
export const blockModulationWidth = (shape: TransformerConfig) => 6 * shape.numHeads * shape.headDim;

/** SiLU(temb) `[B, D]` in the compute type: what every modulation Linear reads. */
export function siluTimestepEmbedding(ctx: TransformerContext, timestep: string): string {
  return silu(ctx.b, timestepEmbedding(ctx, timestep), 'temb_silu');
}

/** `Linear(SiLU(temb))` of block `index`'s `stream` modulation: `[B, 6D]` in the compute type. */
export function blockModulationLinear(
  ctx: TransformerContext,
  siluTemb: string,
  index: number,
  stream: 'img' | 'txt',
): string {
  return linear(ctx.b, ctx.src, siluTemb, `transformer_blocks.${index}.${stream}_mod.1`, { quantize: true });
}

/** Builds the modulation graph (not yet saved). Throws naming any missing weight. */
export function modulationGraph(
  shape: TransformerConfig,
  src: WeightSource,
  options: PrecisionOptions = {},
): GraphBuilder {
  const b = new GraphBuilder({ name: 'qwen_image_modulation', ...options });
  const ctx: TransformerContext = { b, src, shape };
  const dim = shape.numHeads * shape.headDim;
  const timestep = b.input(MODULATION_IO.timestep, 'float32', ['steps']);
  const siluTemb = siluTimestepEmbedding(ctx, timestep);
  const axis1 = b.constant([1], 'int64');
  for (const stream of ['img', 'txt'] as const) {
    const perBlock = Array.from({ length: shape.numLayers }, (_, i) =>
      b.op('Unsqueeze', [blockModulationLinear(ctx, siluTemb, i, stream), axis1]),
    );
    const stacked = b.op('Concat', perBlock, { axis: 1 }, { name: `${stream}_mod/Concat` });
    b.output(castIfNeeded(b, stacked, b.compute, 'float32'), MODULATION_IO[stream], 'float32', [
      'steps',
      shape.numLayers,
      blockModulationWidth(shape),
    ]);
  }
  const out = linear(b, src, siluTemb, 'norm_out.linear');
  b.output(castIfNeeded(b, out, b.compute, 'float32'), MODULATION_IO.out, 'float32', ['steps', 2 * dim]);
  return b;
}

export type ModulationGraphInfo = Readonly<{
  saved: SavedModel;
  inputs: readonly IoSpec[];
  outputs: readonly IoSpec[];
}>;

/** Builds the modulation graph and writes `<outDir>/modulation.onnx` plus its `.data` file. */
export async function buildModulationGraph(
  shape: TransformerConfig,
  weights: WeightSource,
  options: PrecisionOptions,
  outDir: string,
  save: SaveOptions = {},
): Promise<ModulationGraphInfo> {
  const saved = await modulationGraph(shape, weights, options).save(outDir, {
    modelFile: 'modulation.onnx',
    ...save,
  });
  return { saved, inputs: saved.inputs, outputs: saved.outputs };
}
