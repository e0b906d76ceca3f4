import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tiny from '../tiny/configs';
import { readModelIndex, readSchedulerConfig } from './pipeline';
import { canonicalTextEncoderName, textEncoderTensors } from './text-encoder-tensors';
import { readTextEncoderConfig } from './text-encoder';
import { readTransformerConfig } from './transformer';
import { transformerTensors } from './transformer-tensors';
import { readVaeConfig } from './vae';
import { CHECKPOINT_VARIANTS, checkpointVariant } from './variant';
import type { CheckpointVariant } from './variant';
import { vaeTensors } from './vae-tensors';

/** The upstream state-dict listings of shared/spec/checkpoint-names.md (tiny configs), as name → shape. */
function listing(file: string): Array<[string, number[]]> {
  const text = readFileSync(new URL(`../tiny/fixtures/${file}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, shape] = l.split('\t');
      return [name!, JSON.parse(shape!) as number[]];
    });
}
const pairs = (ts: ReadonlyArray<{ name: string; shape: readonly number[] }>) =>
  ts.map((t) => [t.name, [...t.shape]]);

describe('expected parameters match the upstream state dicts', () => {
  it('transformer (the listing used joint_attention_dim 48)', () => {
    const shape = readTransformerConfig({
      ...tiny.transformerConfig(tiny.DEFAULT_TINY_SIZES),
      joint_attention_dim: 48,
    });
    expect(pairs(transformerTensors(shape))).toEqual(listing('transformer-names.tsv'));
  });

  it('vae', () => {
    expect(pairs(vaeTensors(readVaeConfig(tiny.vaeConfig())))).toEqual(listing('vae-names.tsv'));
  });

  it('text encoder (the listing used vocab 256; lm_head is not needed)', () => {
    const config = tiny.textEncoderConfig();
    const small = { ...config, vocab_size: 256, text_config: { ...config.text_config, vocab_size: 256 } };
    const expected = listing('text-encoder-names.tsv').filter(([n]) => n !== 'lm_head.weight');
    expect(pairs(textEncoderTensors(readTextEncoderConfig(small)))).toEqual(expected);
  });

  it('map the older text-encoder spelling onto the current one', () => {
    expect(canonicalTextEncoderName('visual.blocks.0.attn.qkv.weight')).toBe(
      'model.visual.blocks.0.attn.qkv.weight',
    );
    expect(canonicalTextEncoderName('model.layers.3.mlp.up_proj.weight')).toBe(
      'model.language_model.layers.3.mlp.up_proj.weight',
    );
    expect(canonicalTextEncoderName('model.embed_tokens.weight')).toBe(
      'model.language_model.embed_tokens.weight',
    );
    expect(canonicalTextEncoderName('model.language_model.norm.weight')).toBe(
      'model.language_model.norm.weight',
    );
    expect(canonicalTextEncoderName('lm_head.weight')).toBe('lm_head.weight');
  });
});

describe('config checks name the file and the unsupported field', () => {
  it('accept the tiny and the released pipeline files', () => {
    expect(readModelIndex(tiny.modelIndex()).pipeline).toBe('QwenImageEditPipeline');
    expect(readSchedulerConfig(tiny.schedulerConfig())).toMatchObject({
      max_shift: 0.9,
      shift_terminal: 0.02,
      time_shift_type: 'exponential',
    });
  });

  it('refuse unsupported values', () => {
    const t = tiny.transformerConfig(tiny.DEFAULT_TINY_SIZES);
    expect(() => readTransformerConfig({ ...t, guidance_embeds: true })).toThrow(
      "transformer/config.json: unsupported value true for 'guidance_embeds' (supported: false)",
    );
    expect(() => readTransformerConfig({ ...t, axes_dims_rope: [8, 8, 8] })).toThrow(
      /'axes_dims_rope'.*summing to attention_head_dim 32/,
    );
    expect(readTransformerConfig(t).zeroCondT).toBe(false);
    expect(readTransformerConfig({ ...t, zero_cond_t: true }).zeroCondT).toBe(true);
    expect(() => readTransformerConfig({ ...t, zero_cond_t: 1 })).toThrow(/'zero_cond_t'/);
    // Qwen-Image-Layered's flags: refused by name, not built wrong.
    for (const flag of ['use_additional_t_cond', 'use_layer3d_rope']) {
      expect(readTransformerConfig({ ...t, [flag]: false }).numLayers).toBe(t.num_layers);
      expect(() => readTransformerConfig({ ...t, [flag]: true })).toThrow(
        `transformer/config.json: unsupported value true for '${flag}' (supported: false: this app does not build that transformer (Qwen-Image-Layered))`,
      );
    }
    expect(() => readVaeConfig({ ...tiny.vaeConfig(), attn_scales: [0.5] })).toThrow(
      "vae/config.json: unsupported value [0.5] for 'attn_scales'",
    );
    expect(() => readVaeConfig({ ...tiny.vaeConfig(), z_dim: 8 })).toThrow(/'z_dim'/);
    const te = tiny.textEncoderConfig();
    expect(() =>
      readTextEncoderConfig({ ...te, text_config: { ...te.text_config, hidden_act: 'gelu' } }),
    ).toThrow(`text_encoder/config.json text_config: unsupported value "gelu" for 'hidden_act'`);
    expect(() =>
      readTextEncoderConfig({ ...te, vision_config: { ...te.vision_config, out_hidden_size: 48 } }),
    ).toThrow(/vision_config.*'out_hidden_size'/);
    expect(() => readSchedulerConfig({ ...tiny.schedulerConfig(), use_karras_sigmas: true })).toThrow(
      /'use_karras_sigmas'/,
    );
  });

  it('tell Edit, Edit-2509 and Edit-2511 apart by pipeline class and zero_cond_t', () => {
    const variantOf = (v: CheckpointVariant) =>
      checkpointVariant(
        readModelIndex(tiny.modelIndex(v)).pipeline,
        readTransformerConfig(tiny.transformerConfig(tiny.DEFAULT_TINY_SIZES, v)),
      );
    for (const v of CHECKPOINT_VARIANTS) expect(variantOf(v)).toBe(v);
    expect(tiny.modelIndex('edit-2509')._class_name).toBe('QwenImageEditPlusPipeline');
    expect('zero_cond_t' in tiny.transformerConfig(tiny.DEFAULT_TINY_SIZES, 'edit-2509')).toBe(false);
    expect(() => checkpointVariant('QwenImageEditPipeline', { zeroCondT: true })).toThrow(
      /'zero_cond_t' is true but model_index\.json names QwenImageEditPipeline/,
    );
  });

  it('refuse an unknown architecture in model_index.json', () => {
    expect(() =>
      readModelIndex({ ...tiny.modelIndex(), transformer: ['diffusers', 'FluxTransformer2DModel'] }),
    ).toThrow(
      /model_index\.json: component 'transformer' is \["diffusers","FluxTransformer2DModel"\].*unknown architecture/,
    );
    expect(() => readModelIndex({ ...tiny.modelIndex(), _class_name: 'FluxPipeline' })).toThrow(
      /'_class_name'/,
    );
  });
});
