import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../model-store/hash';
import type { ModelManifest } from '../model-store/manifest';
import { VERIFIED_STAMP, verifyModelFolder } from '../model-store/verify';
import { component } from './component';
import { COMPONENTS } from './components';
import { convertCheckpoint, writeModelFolder } from './convert';
import { progressLine } from './progress';
import {
  removeScratchCheckpoints,
  scratchCheckpoint,
  symlinkedCheckpoint,
} from '../tiny/testing/checkpoint-copy';
import { validateCheckpoint } from './validate';
import { writeTinyCheckpoint } from '../tiny/generate';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'convert-test-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await removeScratchCheckpoints();
});

/** The destination must not exist after a failed conversion, and no partial folder may be left beside it. */
async function expectNothingWritten(target: string) {
  const siblings = await readdir(dirname(target)).catch(() => [] as string[]);
  expect(siblings.filter((s) => s.includes('partial') || s === 'model')).toEqual([]);
}

describe('convert', () => {
  it('recognises Edit-2509 and Edit-2511 checkpoints, records the variant and builds 2511 with zero_cond_t', async () => {
    const plugins = COMPONENTS.filter((c) => c.name === 'transformer' || c.name === 'modulation');
    for (const variant of ['edit-2509', 'edit-2511'] as const) {
      const from = join(out, `tiny-${variant}`);
      await writeTinyCheckpoint(from, { seed: 0, variant });
      const manifest = await convertCheckpoint(from, join(out, `model-${variant}`), {
        precision: 'fp32',
        components: plugins,
      });
      expect(manifest.pipeline).toBe('QwenImageEditPlusPipeline');
      expect(manifest.variant).toBe(variant);
      const inputs = manifest.components.transformer!.inputs.map((i) => i.name);
      const zeroCond = variant === 'edit-2511';
      expect(inputs.includes('modulate_index')).toBe(zeroCond);
      expect(inputs.includes('img_mod_ref')).toBe(zeroCond);
    }
  });

  it('refuses a Qwen-Image-Layered transformer config by the flag it cannot build, writing nothing', async () => {
    const from = await scratchCheckpoint(['transformer']);
    const config = join(from, 'transformer', 'config.json');
    const json = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    await writeFile(config, JSON.stringify({ ...json, use_layer3d_rope: true }));
    const to = join(out, 'layered', 'model');
    await expect(convertCheckpoint(from, to, { precision: 'fp32' })).rejects.toThrow(
      /transformer\/config\.json: unsupported value true for 'use_layer3d_rope'/,
    );
    await expectNothingWritten(to);
  });

  it('writes a complete model folder with hashes, I/O and source configs', async () => {
    const from = await scratchCheckpoint();
    const to = join(out, 'ok', 'model');
    const manifest = await convertCheckpoint(from, to, { precision: 'fp32' });
    const onDisk = JSON.parse(await readFile(join(to, 'model.json'), 'utf8')) as ModelManifest;
    expect(onDisk).toEqual(manifest);
    expect(Object.keys(manifest.components)).toEqual(COMPONENTS.map((c) => c.name));
    for (const [name, entry] of Object.entries(manifest.components)) {
      expect(entry!.files, name).toContain(entry!.model);
      expect(entry!.inputs.length, name).toBeGreaterThan(0);
    }
    for (const [file, { sha256, bytes }] of Object.entries(manifest.files)) {
      expect(await sha256File(join(to, file)), file).toBe(sha256);
      expect(bytes).toBeGreaterThan(0);
    }
    expect(manifest.files['tokenizer/tokenizer.json']).toBeDefined();
    expect(manifest.scheduler).toMatchObject({ shift_terminal: 0.02, time_shift_type: 'exponential' });
    expect(manifest.sourceHashes['transformer/diffusion_pytorch_model.safetensors.index.json']).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect((manifest.configs.vae as { z_dim: number }).z_dim).toBe(16);
    expect(manifest.precision).toBe('fp32');
    expect(manifest.variant).toBe('edit');
    expect((await readdir(dirname(to))).filter((s) => s !== 'model')).toEqual([]);
    // The hashes were computed while writing, so the folder is stamped as verified for 'auto' opens.
    const stamp = JSON.parse(await readFile(join(to, VERIFIED_STAMP), 'utf8')) as { files: object };
    expect(Object.keys(stamp.files).sort()).toEqual(Object.keys(manifest.files).sort());
    await expect(verifyModelFolder(to, 'auto')).resolves.toEqual(manifest);
  });

  it('builds the optional generator with generation_config.json, and skips it when lm_head is absent', async () => {
    const checked = await validateCheckpoint(await scratchCheckpoint(), COMPONENTS);
    const generator = COMPONENTS.filter((c) => c.name === 'generator');
    const settings = { precision: 'fp32', blockSize: 32 } as const;
    const withHead = await writeModelFolder(checked, join(out, 'gen', 'with'), settings, generator);
    expect(withHead.components.generator?.files).toContain('generator/generation_config.json');
    expect(withHead.files['generator/generation_config.json']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(withHead.components.generator?.outputs.map((o) => o.name)).toContain('logits');
    const source = checked.weights.text_encoder;
    const headless = Object.assign(Object.create(source) as typeof source, {
      has: (name: string) => name !== 'lm_head.weight' && source.has(name),
    });
    const without = await writeModelFolder(
      { ...checked, weights: { ...checked.weights, text_encoder: headless } },
      join(out, 'gen', 'without'),
      settings,
      generator,
    );
    expect(without.components).toEqual({});
    expect(Object.keys(without.files).filter((f) => f.startsWith('generator/'))).toEqual([]);
  });

  it('accept a Hugging Face cache snapshot, whose files are symlinks', async () => {
    const checked = await validateCheckpoint(await symlinkedCheckpoint(), COMPONENTS);
    expect(checked.tokenizerFiles).toContain('tokenizer.json');
    expect(checked.sourceHashes['text_encoder/model.safetensors.index.json']).toMatch(/^[0-9a-f]{64}$/);
    expect(checked.weights.text_encoder.has('model.language_model.norm.weight')).toBe(true);
  });

  it('refuse a truncated shard, naming the file and the tensor, and write nothing', async () => {
    const from = await scratchCheckpoint(['text_encoder']);
    const shard = join(from, 'text_encoder', 'model-00002-of-00002.safetensors');
    await truncate(shard, (await readFile(shard)).length - 100);
    const to = join(out, 'truncated', 'model');
    await expect(convertCheckpoint(from, to, { precision: 'fp32' })).rejects.toThrow(
      /model-00002-of-00002\.safetensors: tensor '(model\.language_model\.[\w.]+|lm_head\.weight)' claims bytes .* \(truncated\?\)/,
    );
    await expectNothingWritten(to);
  });

  it('refuse a missing shard', async () => {
    const from = await scratchCheckpoint(['transformer']);
    await rm(join(from, 'transformer', 'diffusion_pytorch_model-00002-of-00002.safetensors'));
    const to = join(out, 'missing', 'model');
    await expect(convertCheckpoint(from, to, { precision: 'fp32' })).rejects.toThrow(
      /diffusion_pytorch_model\.safetensors\.index\.json: shard diffusion_pytorch_model-00002-of-00002\.safetensors is missing/,
    );
    await expectNothingWritten(to);
  });

  it('refuse a config with an unsupported value, naming file and field', async () => {
    const from = await scratchCheckpoint(['vae']);
    const path = join(from, 'vae', 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...config, attn_scales: [0.25] }));
    const to = join(out, 'badconfig', 'model');
    await expect(convertCheckpoint(from, to, { precision: 'fp32' })).rejects.toThrow(
      /vae\/config\.json: unsupported value \[0\.25\] for 'attn_scales'/,
    );
    await expectNothingWritten(to);
  });

  it('refuse a checkpoint whose tensor shape disagrees with its config', async () => {
    const from = await scratchCheckpoint(['transformer']);
    const path = join(from, 'transformer', 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...config, joint_attention_dim: 56 }));
    await expect(convertCheckpoint(from, join(out, 'shape', 'model'), { precision: 'fp32' })).rejects.toThrow(
      /diffusion_pytorch_model-0000\d-of-00002\.safetensors: tensor 'txt_norm\.weight' has shape \[64\] but the config implies \[56\]/,
    );
  });

  it('refuse a checkpoint missing a tensor the config implies', async () => {
    const from = await scratchCheckpoint(['transformer']);
    const path = join(from, 'transformer', 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...config, num_layers: 3 }));
    await expect(
      convertCheckpoint(from, join(out, 'layers', 'model'), { precision: 'fp32' }),
    ).rejects.toThrow(
      /transformer\/ \(2 shards\): tensor 'transformer_blocks\.2\.img_mod\.1\.weight' is missing/,
    );
  });

  it('refuse an unknown architecture', async () => {
    const from = await scratchCheckpoint();
    const path = join(from, 'model_index.json');
    const index = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...index, vae: ['diffusers', 'AutoencoderKLWan'] }));
    await expect(convertCheckpoint(from, join(out, 'arch', 'model'), { precision: 'fp32' })).rejects.toThrow(
      /model_index\.json: component 'vae' is \["diffusers","AutoencoderKLWan"\].*unknown architecture/,
    );
  });

  it('leave nothing behind when a graph builder fails midway', async () => {
    const from = await scratchCheckpoint();
    const failing = component({
      name: 'vision',
      source: 'text_encoder',
      prefixes: [],
      parseConfig: () => ({}),
      build: async () => {
        throw new Error('builder exploded');
      },
      effectivePrecision: (p) => p,
    });
    const to = join(out, 'midway', 'model');
    await expect(
      convertCheckpoint(from, to, {
        precision: 'fp32',
        components: [...COMPONENTS.filter((c) => c.name !== 'vision'), failing],
      }),
    ).rejects.toThrow('builder exploded');
    await expectNothingWritten(to);
  });

  it('refuse to overwrite a non-empty destination unless asked', async () => {
    const from = await scratchCheckpoint();
    const to = join(out, 'exists');
    await mkdir(to);
    await writeFile(join(to, 'keep.txt'), 'x');
    await expect(convertCheckpoint(from, to, { precision: 'fp32' })).rejects.toThrow(
      /exists and is not empty/,
    );
    expect(await readdir(to)).toEqual(['keep.txt']);
    await convertCheckpoint(from, to, { precision: 'fp32', overwrite: true });
    expect(await readdir(to)).toContain('model.json');
    expect(await readdir(to)).not.toContain('keep.txt');
  });
});

describe('progress line', () => {
  it('shows percent, bytes, rate and ETA', () => {
    expect(progressLine('transformer', 25e6, 100e6, 5, 8)).toBe(
      '[##------]  25% 25.0 MB / 100.0 MB  5.0 MB/s  ETA 15s  transformer',
    );
    expect(progressLine('x', 0, 100e6, 0, 4)).toContain('ETA ?');
  });
});
