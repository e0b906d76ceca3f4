/**
 * The memory table (issue 14 item 6) for the released Qwen-Image-Edit, which feeds the model manager's
 * planner (native-models/src/model-manager/plan.ts):
 * - weights per component and precision: the transformer and modulation graphs built by the project's
 *   builders for the real 60-layer config from a stub weight source (exact initializer bytes, no data); the
 *   text encoder, vision tower and VAE from their tensor lists with the converter's rules (int builds quantise
 *   the language model's linears, the ViT's at 8 bits, and keep the embedding table in float16; norms stay in the
 *   compute type; the VAE is always fp32);
 * - activation peaks at 512², 1024² and 1536² from the planner's formula (the same function the app uses);
 * - what fits 16, 24, 48 and 80 GB cards at each size under each precision and policy (planModel itself).
 */
import { readTextEncoderConfig } from '../../native-models/src/config/text-encoder';
import { textEncoderTensors } from '../../native-models/src/config/text-encoder-tensors';
import { transformerTensors } from '../../native-models/src/config/transformer-tensors';
import { readVaeConfig } from '../../native-models/src/config/vae';
import { vaeTensors } from '../../native-models/src/config/vae-tensors';
import type { ExpectedTensor } from '../../native-models/src/config/expected-tensor';
import { stubWeights } from '../../native-models/src/graphs/testing/stub-weights';
import { modulationGraph, transformerGraph } from '../../native-models/src/graphs/transformer';
import { activationBytes, planModel } from '../../native-models/src/model-manager/plan';
import type { ComponentSizes, MeasuredModel } from '../../native-models/src/model-manager/plan';
import { byteLength } from '../../native-models/src/onnx';
import type { GraphBuilder, Precision } from '../../native-models/src/onnx';
import { fullWidthConfig } from './fullwidth-block';
import type { BenchResult } from './run';

const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'int8', 'int4'];
/** The converter's default quantisation blocks (native-models/src/convert/convert.ts). */
const BLOCK: Readonly<Record<Precision, number>> = { fp32: 0, bf16: 0, int8: 64, int4: 128 };
const SIDES = [512, 1024, 1536] as const;
const CARDS_GB = [16, 24, 48, 80] as const;

/** Qwen-Image-Edit's text_encoder/config.json (Qwen2.5-VL-7B), the keys the reader needs. */
const QWEN25_VL_7B = {
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  model_type: 'qwen2_5_vl',
  hidden_size: 3584,
  intermediate_size: 18944,
  num_hidden_layers: 28,
  num_attention_heads: 28,
  num_key_value_heads: 4,
  vocab_size: 152064,
  rope_scaling: { type: 'mrope', mrope_section: [16, 24, 24] },
  vision_config: {
    depth: 32,
    hidden_size: 1280,
    intermediate_size: 3420,
    num_heads: 16,
    out_hidden_size: 3584,
    fullatt_block_indexes: [7, 15, 23, 31],
  },
};

const weightBytes = (b: GraphBuilder) =>
  b.view().initializers.reduce((sum, i) => sum + byteLength(i.dtype, i.dims), 0);
const elements = (t: ExpectedTensor) => t.shape.reduce((a, b) => a * b, 1);
const gb = (n: number) => (n / 1e9).toFixed(2);

/** MatMulNBits bytes of an [N, K] linear: packed weights plus one fp32 scale per block. */
function quantisedLinear(t: ExpectedTensor, precision: 'int8' | 'int4'): number {
  const [n, k] = t.shape as [number, number];
  const bits = precision === 'int8' ? 8 : 4;
  return (n * k * bits) / 8 + n * Math.ceil(k / BLOCK[precision]) * 4;
}

const dense = (precision: Precision) => (precision === 'bf16' ? 2 : 4);

function componentSizes(precision: Precision): ComponentSizes {
  const shape = fullWidthConfig(60);
  const src = stubWeights(transformerTensors(shape));
  const options = { precision, blockSize: (BLOCK[precision] || 64) as 64 | 128 };
  const text = readTextEncoderConfig(QWEN25_VL_7B);
  const tensors = textEncoderTensors(text);
  const language = tensors.filter((t) => t.name.startsWith('model.language_model.'));
  const vision = tensors.filter((t) => t.name.startsWith('model.visual.'));
  const quantised = precision === 'int8' || precision === 'int4';
  const vae = vaeTensors(readVaeConfig({ _class_name: 'AutoencoderKLQwenImage' }));
  const sum = (list: readonly ExpectedTensor[], bytes: (t: ExpectedTensor) => number) =>
    list.reduce((a, t) => a + bytes(t), 0);
  return {
    transformer: weightBytes(
      transformerGraph(shape, src, { ...options, modulation: 'inputs', textMask: false }),
    ),
    modulation: weightBytes(modulationGraph(shape, src, options)),
    text: sum(language, (t) =>
      quantised && t.kind === 'linear' && t.shape.length === 2
        ? quantisedLinear(t, precision as 'int8' | 'int4')
        : elements(t) * (quantised && t.kind === 'embedding' ? 2 : dense(precision)),
    ),
    // int builds keep the ViT's linears at 8 bits (graphs/vision: visionPrecision).
    vision: sum(vision, (t) =>
      quantised && t.kind === 'linear' && t.shape.length === 2
        ? quantisedLinear(t, 'int8')
        : elements(t) * dense(precision),
    ),
    vae_encoder: sum(
      vae.filter((t) => /^(encoder|quant_conv)\./.test(t.name)),
      (t) => elements(t) * 4,
    ),
    vae_decoder: sum(
      vae.filter((t) => /^(decoder|post_quant_conv)\./.test(t.name)),
      (t) => elements(t) * 4,
    ),
    generator: 0,
  };
}

export async function run(): Promise<BenchResult> {
  const rows: string[] = [];
  const figures: Record<string, unknown> = {};
  const sizes = new Map(PRECISIONS.map((p) => [p, componentSizes(p)]));

  rows.push('weights per component (GB), real config:');
  const names = Object.keys(sizes.get('fp32')!).filter((n) => n !== 'generator') as (keyof ComponentSizes)[];
  rows.push(`precision | ${names.join(' | ')} | total`);
  for (const [precision, s] of sizes) {
    const total = names.reduce((a, n) => a + s[n], 0);
    figures[`weights/${precision}`] = { ...s, total };
    rows.push(`${precision} | ${names.map((n) => gb(s[n])).join(' | ')} | ${gb(total)}`);
  }

  rows.push('', 'activation peaks (GB), the planner formula (bf16 transformer, CFG pair, fused attention):');
  rows.push('output | transformer | VAE | text | overhead');
  for (const side of SIDES) {
    const a = activationBytes(side, side);
    figures[`activations/${side}`] = a;
    rows.push(`${side}² | ${gb(a.transformer)} | ${gb(a.vae)} | ${gb(a.text)} | ${gb(a.overhead)}`);
  }

  rows.push('', 'peak GB per precision and policy, and which cards it fits (free VRAM − 0.5 GiB margin):');
  rows.push(`output | precision | policy | peak | ${CARDS_GB.map((c) => `${c} GB`).join(' | ')}`);
  for (const side of SIDES) {
    for (const precision of ['bf16', 'int8', 'int4'] as const) {
      const model: MeasuredModel = { precision, bytes: sizes.get(precision)! };
      const fits = CARDS_GB.map((card) => {
        const bytes = card * 1e9;
        const plan = planModel({
          model,
          machine: {
            gpus: [{ index: 0, name: `${card} GB`, totalBytes: bytes, freeBytes: bytes }],
            ramBytes: 64e9,
            freeRamBytes: 64e9,
          },
          width: side,
          height: side,
        });
        return plan.options.filter((o) => o.precision === precision);
      });
      for (const policy of ['resident', 'low-memory'] as const) {
        const peak = fits[0]!.find((o) => o.policy === policy)!.peakBytes;
        const row = fits.map((opts) => (opts.find((o) => o.policy === policy)!.fits ? 'fits' : '—'));
        figures[`fit/${side}/${precision}/${policy}`] = {
          peakBytes: peak,
          ...Object.fromEntries(CARDS_GB.map((c, i) => [`${c}GB`, row[i] === 'fits'])),
        };
        rows.push(`${side}² | ${precision} | ${policy} | ${gb(peak)} | ${row.join(' | ')}`);
      }
    }
  }
  return { name: 'memory', figures, table: rows.join('\n') };
}
