import { GraphBuilder, MS_DOMAIN, attr, encodeFloats, modulePath, silu, weightInitializer } from '../../onnx';
import type { Precision, SavedModel } from '../../onnx';
import type { WeightSource } from '../../weights';
import type { VaeLayer } from './architecture';
import { vaeDecoderLayers, vaeEncoderLayers } from './architecture';
import type { VaeConfig } from '../../config/vae';
import { vaeScaleFactor } from '../../config/vae';

export type VaeGraphOptions = Readonly<{
  /**
   * Accepted for a uniform converter interface; the VAE graphs always compute in float32 (ORT lacks bf16
   * Resize and the VAE is small), so every precision gives the same graph.
   */
  precision?: Precision;
}>;

/**
 * A conv weight as a 4-D `[O, C, k, k]` initializer: 5-D causal-conv weights keep only their last temporal
 * slice (what a causal conv applies to a single frame with zero history), 4-D weights are used as they are.
 */
function convWeight(b: GraphBuilder, src: WeightSource, name: string): string {
  const shape = src.info(name).shape;
  // Whole tensors go through weightInitializer, which copies the file's bytes as they are when dtypes match.
  if (shape.length === 4) return weightInitializer(b, src, name);
  if (shape.length !== 5)
    throw new Error(`weight '${name}' has shape [${shape.join(', ')}]; a conv needs 4-D or 5-D`);
  const [o, c, kt, kh, kw] = shape as [number, number, number, number, number];
  const dims = [o, c, kh, kw];
  if (kt === 1) return weightInitializer(b, src, name, { dims });
  return b.initializer(`${name}.last_frame`, {
    dtype: 'float32',
    dims,
    load: async () => {
      const w = await src.readF32(name);
      const out = new Float32Array(o * c * kh * kw);
      const plane = kh * kw;
      for (let a = 0; a < o * c; a++)
        out.set(w.subarray((a * kt + kt - 1) * plane, (a * kt + kt) * plane), a * plane);
      return encodeFloats(out, 'float32');
    },
  });
}

/** Per-channel vectors such as `gamma [C, 1, 1, 1]` as a `[C, 1, 1]` initializer broadcasting over NCHW. */
function channelVector(b: GraphBuilder, src: WeightSource, name: string): string {
  return weightInitializer(b, src, name, { dims: [src.info(name).shape[0]!, 1, 1] });
}

function conv(
  b: GraphBuilder,
  src: WeightSource,
  x: string,
  name: string,
  pads: number[],
  strides = [1, 1],
): string {
  return b.scope(modulePath(name), () =>
    b.op('Conv', [x, convWeight(b, src, `${name}.weight`), weightInitializer(b, src, `${name}.bias`)], {
      pads,
      strides,
    }),
  );
}

/** Upstream QwenImageRMS_norm over channels: `F.normalize(x, dim=1) · √C · γ`. */
function rmsNormChannels(
  b: GraphBuilder,
  src: WeightSource,
  x: string,
  gammaName: string,
  dim: number,
): string {
  return b.scope(modulePath(gammaName.replace(/\.gamma$/, '')), () => {
    const norm = b.op('ReduceL2', [x, b.constant([1], 'int64')], { keepdims: 1 });
    const clamped = b.op('Max', [norm, b.constant(1e-12, 'float32')]);
    const unit = b.op('Div', [x, clamped]);
    const scaled = b.op('Mul', [unit, b.constant(Math.sqrt(dim), 'float32')]);
    return b.op('Mul', [scaled, channelVector(b, src, gammaName)], {}, { name: 'MulGamma' });
  });
}

function residual(
  b: GraphBuilder,
  src: WeightSource,
  x: string,
  layer: Extract<VaeLayer, { kind: 'residual' }>,
): string {
  const n = layer.name;
  const shortcut = layer.inDim !== layer.outDim ? conv(b, src, x, `${n}.conv_shortcut`, [0, 0, 0, 0]) : x;
  let h = silu(b, rmsNormChannels(b, src, x, `${n}.norm1.gamma`, layer.inDim), `${modulePath(n)}/SiLU1`);
  h = conv(b, src, h, `${n}.conv1`, [1, 1, 1, 1]);
  h = silu(b, rmsNormChannels(b, src, h, `${n}.norm2.gamma`, layer.outDim), `${modulePath(n)}/SiLU2`);
  h = conv(b, src, h, `${n}.conv2`, [1, 1, 1, 1]);
  return b.op('Add', [h, shortcut], {}, { name: `/${modulePath(n)}/Add` });
}

/**
 * Single-head attention over all H·W positions of each image (scale 1/√C), 1×1 proj, + identity.
 * It is one com.microsoft MultiHeadAttention (1 head, no mask): ORT's CPU kernel then runs its tiled flash
 * path in float32 and never materialises the [HW, HW] scores, which at a 1024² image (128² latents) would
 * be 1 GiB per copy; CUDA's kernel is fused as well.
 */
function attention(b: GraphBuilder, src: WeightSource, x: string, name: string, dim: number): string {
  const normed = rmsNormChannels(b, src, x, `${name}.norm.gamma`, dim);
  const qkvConv = conv(b, src, normed, `${name}.to_qkv`, [0, 0, 0, 0]);
  return b.scope(modulePath(name), () => {
    const flat = b.op('Reshape', [qkvConv, b.constant([0, 3 * dim, -1], 'int64')]);
    const tokens = b.op('Transpose', [flat], { perm: [0, 2, 1] });
    const [q, k, v] = b.node(
      'Split',
      [tokens, b.constant([dim, dim, dim], 'int64')],
      { axis: 2 },
      { outputs: 3 },
    ) as [string, string, string];
    const o = b.op(
      'MultiHeadAttention',
      [q, k, v],
      { num_heads: 1, scale: attr.float(1 / Math.sqrt(dim)) },
      { domain: MS_DOMAIN, name: 'Attention' },
    );
    const chw = b.op(
      'Reshape',
      [b.op('Transpose', [o], { perm: [0, 2, 1] }, { name: 'TransposeO' }), b.op('Shape', [x])],
      {},
      { name: 'ReshapeO' },
    );
    const proj = b.scope('proj', () =>
      b.op('Conv', [
        chw,
        convWeight(b, src, `${name}.proj.weight`),
        weightInitializer(b, src, `${name}.proj.bias`),
      ]),
    );
    return b.op('Add', [proj, x], {}, { name: 'Add' });
  });
}

/** Emits one layer of the VAE layer list (exported for block-level tests). */
export function emitVaeLayer(b: GraphBuilder, src: WeightSource, x: string, layer: VaeLayer): string {
  switch (layer.kind) {
    case 'causalConv': {
      const p = layer.kernel === 3 ? 1 : 0;
      return conv(b, src, x, layer.name, [p, p, p, p]);
    }
    case 'residual':
      return residual(b, src, x, layer);
    case 'attention':
      return attention(b, src, x, layer.name, layer.dim);
    case 'downsample':
      // ZeroPad2d((0, 1, 0, 1)) then a stride-2 3×3 conv: ONNX pads are [top, left, bottom, right].
      return conv(b, src, x, `${layer.name}.resample.1`, [0, 0, 1, 1], [2, 2]);
    case 'upsample': {
      const up = b.scope(modulePath(layer.name), () =>
        b.op('Resize', [x, '', b.constant([1, 1, 2, 2], 'float32')], {
          mode: 'nearest',
          coordinate_transformation_mode: 'asymmetric',
          nearest_mode: 'floor',
        }),
      );
      return conv(b, src, up, `${layer.name}.resample.1`, [1, 1, 1, 1]);
    }
    case 'normSilu':
      return silu(
        b,
        rmsNormChannels(b, src, x, `${layer.name}.gamma`, layer.dim),
        `${modulePath(layer.name)}/SiLU`,
      );
    case 'slice':
      return b.op(
        'Slice',
        [x, b.constant([0], 'int64'), b.constant([layer.channels], 'int64'), b.constant([1], 'int64')],
        {},
        { name: '/mean/Slice' },
      );
    case 'clamp':
      return b.op(
        'Clip',
        [x, b.constant(-1, 'float32'), b.constant(1, 'float32')],
        {},
        { name: '/clamp/Clip' },
      );
  }
}

/** Input and output names of the two VAE graphs. */
export const VAE_IO = {
  encoderIn: 'image',
  encoderOut: 'latent_mean',
  decoderIn: 'latents',
  decoderOut: 'image',
} as const;

/**
 * Builds `vae_encoder`: `image [batch, C_in, height, width]` in [−1, 1] (height, width multiples of 16) →
 * `latent_mean [batch, z_dim, height/8, width/8]`, the posterior mean (un-normalised) of a single frame.
 */
export async function buildVaeEncoderGraph(
  config: VaeConfig,
  weights: WeightSource,
  _options: VaeGraphOptions,
  outDir: string,
): Promise<SavedModel> {
  const b = new GraphBuilder({ name: 'vae_encoder', precision: 'fp32' });
  const f = vaeScaleFactor(config);
  let x = b.input(VAE_IO.encoderIn, 'float32', ['batch', config.inputChannels, 'height', 'width']);
  for (const layer of vaeEncoderLayers(config)) x = emitVaeLayer(b, weights, x, layer);
  b.output(x, VAE_IO.encoderOut, 'float32', ['batch', config.zDim, `height/${f}`, `width/${f}`]);
  return b.save(outDir, { metadata: { component: 'vae_encoder' } });
}

/**
 * Builds `vae_decoder`: de-normalised `latents [batch, z_dim, latent_height, latent_width]` →
 * `image [batch, C_in, 8·latent_height, 8·latent_width]` clamped to [−1, 1] (single frame).
 */
export async function buildVaeDecoderGraph(
  config: VaeConfig,
  weights: WeightSource,
  _options: VaeGraphOptions,
  outDir: string,
): Promise<SavedModel> {
  const b = new GraphBuilder({ name: 'vae_decoder', precision: 'fp32' });
  const f = vaeScaleFactor(config);
  let x = b.input(VAE_IO.decoderIn, 'float32', ['batch', config.zDim, 'latent_height', 'latent_width']);
  for (const layer of vaeDecoderLayers(config)) x = emitVaeLayer(b, weights, x, layer);
  b.output(x, VAE_IO.decoderOut, 'float32', [
    'batch',
    config.inputChannels,
    `latent_height*${f}`,
    `latent_width*${f}`,
  ]);
  return b.save(outDir, { metadata: { component: 'vae_decoder' } });
}
