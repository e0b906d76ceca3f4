import { Tokenizer } from '@huggingface/tokenizers';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextEncoderConfig } from '../config/text-encoder';
import { textEncoderTensors } from '../config/text-encoder-tensors';
import { readTransformerConfig } from '../config/transformer';
import { transformerTensors } from '../config/transformer-tensors';
import { readVaeConfig } from '../config/vae';
import { vaeTensors } from '../config/vae-tensors';
import { openWeightsInFolder } from '../safetensors/sharded';
import { lmHeadTensors, tiedWordEmbeddings } from '../config/generation';
import { COMPLETE_MARKER } from '../model-store/build-once';
import { ensureTinyCheckpoint } from './ensure';
import { initTensor, writeTinyCheckpoint } from './generate';

/** The text encoder's tensors including lm_head when its config leaves the embeddings untied. */
async function textEncoderWithHead(path: string) {
  const json = await readJson(path);
  const shape = readTextEncoderConfig(json);
  return [...textEncoderTensors(shape), ...lmHeadTensors(shape, tiedWordEmbeddings(json))];
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name !== COMPLETE_MARKER)
        out[relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

let cached: string;
let scratch: string;
beforeAll(async () => {
  cached = await ensureTinyCheckpoint(0);
  scratch = await mkdtemp(join(tmpdir(), 'tiny-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the tiny checkpoint', () => {
  it('is byte-identical when generated again with the same seed', async () => {
    const again = join(scratch, 'again');
    await writeTinyCheckpoint(again, { seed: 0 });
    const [a, b] = [await hashes(cached), await hashes(again)];
    expect(Object.keys(a).length).toBeGreaterThan(20);
    expect(b).toEqual(a);
  });

  it('differs with another seed', () => {
    const t = { name: 'img_in.weight', shape: [64, 64], kind: 'linear', fanIn: 64 } as const;
    expect(initTensor(1, t)).not.toEqual(initTensor(0, t));
    expect(initTensor(0, t)).toEqual(initTensor(0, t));
  });

  it('has the diffusers layout with every expected tensor, sharded where the release is', async () => {
    const index = await readJson(join(cached, 'model_index.json'));
    expect(index.transformer).toEqual(['diffusers', 'QwenImageTransformer2DModel']);
    const components = [
      [
        'transformer',
        transformerTensors(readTransformerConfig(await readJson(join(cached, 'transformer/config.json')))),
        'BF16',
        2,
      ],
      ['vae', vaeTensors(readVaeConfig(await readJson(join(cached, 'vae/config.json')))), 'F16', 1],
      ['text_encoder', await textEncoderWithHead(join(cached, 'text_encoder/config.json')), 'BF16', 2],
    ] as const;
    for (const [folder, expected, dtype, files] of components) {
      const weights = await openWeightsInFolder(join(cached, folder));
      expect(weights.files, folder).toHaveLength(files);
      expect([...weights.names()].sort(), folder).toEqual(expected.map((t) => t.name).sort());
      for (const t of expected) expect(weights.info(t.name), t.name).toEqual({ dtype, shape: t.shape });
    }
    const text = await openWeightsInFolder(join(cached, 'text_encoder'));
    expect(text.info('model.language_model.embed_tokens.weight').shape).toEqual([152064, 64]);
    // The config says untied, so the checkpoint carries its own output projection, as the release does.
    expect(text.info('lm_head.weight')).toEqual({ dtype: 'BF16', shape: [152064, 64] });
    expect(await readJson(join(cached, 'scheduler/scheduler_config.json'))).toMatchObject({
      max_shift: 0.9,
      shift_terminal: 0.02,
    });
    expect(await readJson(join(cached, 'processor/preprocessor_config.json'))).toMatchObject({
      patch_size: 14,
      merge_size: 2,
      min_pixels: 3136,
    });
  });

  it('scales its init: norms ≈ 1, linear weights with variance ≈ 1/fan_in, small biases', async () => {
    const w = await openWeightsInFolder(join(cached, 'transformer'));
    const stats = async (name: string) => {
      const v = await w.readF32(name);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { mean, var: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
    };
    const normW = await stats('transformer_blocks.0.attn.norm_q.weight');
    expect(Math.abs(normW.mean - 1)).toBeLessThan(0.05);
    const lin = await stats('transformer_blocks.0.img_mlp.net.2.weight');
    expect(lin.var * 256).toBeGreaterThan(0.9);
    expect(lin.var * 256).toBeLessThan(1.1);
    expect(Math.sqrt((await stats('transformer_blocks.0.img_mlp.net.2.bias')).var)).toBeLessThan(0.05);
  });

  it('ships the real Qwen tokenizer with the Qwen2.5-VL special tokens', async () => {
    const tok = new Tokenizer(
      await readJson(join(cached, 'tokenizer/tokenizer.json')),
      await readJson(join(cached, 'tokenizer/tokenizer_config.json')),
    );
    const system =
      "Describe the key features of the input image (color, shape, size, texture, objects, background), then explain how the user's text instruction should alter or modify the image. Generate a new image that meets the user's requirements while maintaining consistency with the original input where appropriate.";
    const prompt = `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Make the cat wear a red hat<|im_end|>\n<|im_start|>assistant\n`;
    const ids = tok.encode(prompt).ids;
    // The edit pipeline drops exactly the first 64 tokens: token 64 must be <|vision_start|> (spec §2.1).
    expect(ids.slice(0, 3)).toEqual([151644, 8948, 198]);
    expect(ids[64]).toBe(151652);
    expect(ids[65]).toBe(151655);
    expect(ids.length).toBe(64 + 1 + 1 + 1 + 7 + 5);
    const added = await readJson(join(cached, 'tokenizer/added_tokens.json'));
    expect(Object.values(added).sort()).toEqual(Array.from({ length: 22 }, (_, i) => 151643 + i));
    const merges = (await readFile(join(cached, 'tokenizer/merges.txt'), 'utf8')).trimEnd().split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges).toHaveLength(151387 + 1);
  });
});
