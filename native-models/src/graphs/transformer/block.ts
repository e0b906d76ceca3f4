/**
 * One dual-stream block (spec §7.3; diffusers `QwenImageTransformerBlock`): per stream, `Linear(SiLU(temb))`
 * gives six vectors in the order shift1, scale1, gate1, shift2, scale2, gate2; `LN(x)·(1+scale)+shift` feeds
 * the joint attention and then the GELU-tanh MLP, each added back through its gate.
 */
import { geluTanh, layerNormNoAffine, linear, modulePath } from '../../onnx';
import type { GraphBuilder } from '../../onnx';
import { jointAttention } from './attention';
import type { JointInputs, TransformerContext } from './context';

export type Modulation = Readonly<{ shift: string; scale: string; gate: string }>;

/** The two modulation triples (attention, MLP) of each stream of one block. */
export type BlockModulation = Readonly<{
  img: readonly [Modulation, Modulation];
  txt: readonly [Modulation, Modulation];
}>;

/** Splits `[B, 6D]` modulation parameters into two `[B, 1, D]` triples. */
export function splitSix(b: GraphBuilder, params: string): [Modulation, Modulation] {
  const [shift1, scale1, gate1, shift2, scale2, gate2] = b.node(
    'Split',
    [b.op('Unsqueeze', [params, b.constant([1], 'int64')])],
    { axis: -1, num_outputs: 6 },
    { outputs: 6 },
  ) as [string, string, string, string, string, string];
  return [
    { shift: shift1, scale: scale1, gate: gate1 },
    { shift: shift2, scale: scale2, gate: gate2 },
  ];
}

/** Splits `Linear(SiLU(temb))` of `<prefix>` (`[B, 6D]`) into two `[B, 1, D]` modulation triples. */
export function modulationParams(
  ctx: TransformerContext,
  siluTemb: string,
  prefix: string,
): [Modulation, Modulation] {
  return splitSix(ctx.b, linear(ctx.b, ctx.src, siluTemb, prefix, { quantize: true }));
}

/**
 * zero_cond_t (Edit-2511): per-token `[B, S, D]` triples from the parameters for t (`withT`, `[B, 6D]`) and for
 * t = 0 (`withZero`), chosen by `isNoise` (bool `[B, S, 1]`: true for noise tokens).
 */
export function perTokenModulation(
  b: GraphBuilder,
  isNoise: string,
  withT: string,
  withZero: string,
): [Modulation, Modulation] {
  const t = splitSix(b, withT);
  const zero = splitSix(b, withZero);
  const pick = (a: Modulation, z: Modulation): Modulation => ({
    shift: b.op('Where', [isNoise, a.shift, z.shift]),
    scale: b.op('Where', [isNoise, a.scale, z.scale]),
    gate: b.op('Where', [isNoise, a.gate, z.gate]),
  });
  return [pick(t[0], zero[0]), pick(t[1], zero[1])];
}

/** `LayerNorm(x)·(1 + scale) + shift` (LayerNorm without affine, eps 1e-6). */
export function modulate(
  b: GraphBuilder,
  x: string,
  dim: number,
  shift: string,
  scale: string,
  name: string,
): string {
  return b.scope(name, () => {
    const normed = layerNormNoAffine(b, x, dim, 1e-6);
    return b.op('Add', [b.op('Mul', [normed, b.op('Add', [scale, b.constant(1)])]), shift]);
  });
}

function mlp(ctx: TransformerContext, x: string, prefix: string): string {
  const { b, src } = ctx;
  const h = geluTanh(
    b,
    linear(b, src, x, `${prefix}.net.0.proj`, { quantize: true }),
    `/${modulePath(prefix)}/net.0/Gelu`,
  );
  return linear(b, src, h, `${prefix}.net.2`, { quantize: true });
}

/** Block `index`: returns the new `[image, text]` streams. */
export function transformerBlock(
  ctx: TransformerContext,
  index: number,
  image: string,
  text: string,
  mods: BlockModulation,
  joint: JointInputs,
): [string, string] {
  const { b, shape } = ctx;
  const prefix = `transformer_blocks.${index}`;
  const dim = shape.numHeads * shape.headDim;
  return b.scope(prefix, () => {
    const [img1, img2] = mods.img;
    const [txt1, txt2] = mods.txt;
    const imgIn = modulate(b, image, dim, img1.shift, img1.scale, 'img_norm1');
    const txtIn = modulate(b, text, dim, txt1.shift, txt1.scale, 'txt_norm1');
    const [imgAttn, txtAttn] = jointAttention(ctx, prefix, imgIn, txtIn, joint);
    let img = b.op('Add', [image, b.op('Mul', [img1.gate, imgAttn])], {}, { name: 'img_attn_residual' });
    let txt = b.op('Add', [text, b.op('Mul', [txt1.gate, txtAttn])], {}, { name: 'txt_attn_residual' });
    const imgMlp = mlp(ctx, modulate(b, img, dim, img2.shift, img2.scale, 'img_norm2'), `${prefix}.img_mlp`);
    img = b.op('Add', [img, b.op('Mul', [img2.gate, imgMlp])], {}, { name: 'img_mlp_residual' });
    const txtMlp = mlp(ctx, modulate(b, txt, dim, txt2.shift, txt2.scale, 'txt_norm2'), `${prefix}.txt_mlp`);
    txt = b.op('Add', [txt, b.op('Mul', [txt2.gate, txtMlp])], {}, { name: 'txt_mlp_residual' });
    return [img, txt];
  });
}
