/**
 * The CLI's LoRA and Lightning options end to end: `convert --lora` fuses before rounding or quantising and
 * records the LoRA in model.json; `edit --lora … --fast 4` runs 4 steps at CFG 1 with the Lightning
 * scheduler and records it; bad values are refused before anything loads.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAdapters, referenceFused, writeTestLora } from '../../src/lora/testing/test-loras';
import type { TestAdapter } from '../../src/lora/testing/test-loras';
import type { ModelManifest } from '../../src/model-store/manifest';
import { externalPlacements } from '../../src/onnx/external-placements';
import { dequantizeBlockwise } from '../../src/onnx/quantize';
import { openWeightsInFolder } from '../../src/safetensors';
import type { SafetensorsWeights } from '../../src/safetensors';
import { ensureDemoModel } from '../../src/tiny/demo-model';
import { ensureTinyCheckpoint } from '../../src/tiny/ensure';
import { runCli } from '../testing/run-cli';

const TARGET = 'transformer_blocks.1.attn.to_q';
let dir: string;
let lora: string;
let checkpoint: string;
let base: SafetensorsWeights;
let adapter: TestAdapter;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-lora-'));
  checkpoint = await ensureTinyCheckpoint(0);
  base = await openWeightsInFolder(join(checkpoint, 'transformer'));
  const [out, inF] = base.info(`${TARGET}.weight`).shape;
  adapter = randomAdapters(new Map([[TARGET, [out!, inF!] as const]]), 4, 9, 4)[0]!;
  lora = join(dir, 'detail.safetensors');
  await writeTestLora(lora, 'kohya', [adapter]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A converted folder's stored bytes of one initializer. */
async function stored(model: string, component: string, name: string): Promise<Uint8Array> {
  const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8')) as ModelManifest;
  const graph = join(model, manifest.components[component as 'transformer']!.model);
  const p = externalPlacements(await readFile(graph)).get(name)!;
  const data = await readFile(join(graph, '..', p.location));
  return new Uint8Array(data.subarray(p.offset, p.offset + p.length));
}

describe('qwen-edit convert --lora', () => {
  it('fp32: the weight is W + s·(B·A)·alpha/rank, and model.json records the LoRA', async () => {
    const to = join(dir, 'fp32');
    const result = await runCli('convert', '--from', checkpoint, '--to', to, '--lora', `${lora}:0.5`);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('at fp32 + detail.safetensors:0.5;');
    const manifest = JSON.parse(await readFile(join(to, 'model.json'), 'utf8')) as ModelManifest;
    const sha256 = createHash('sha256')
      .update(await readFile(lora))
      .digest('hex');
    expect(manifest.loras).toEqual([{ name: 'detail.safetensors', sha256, strength: 0.5 }]);
    const got = new Float32Array((await stored(to, 'transformer', `${TARGET}.weight.T`)).buffer);
    const want = referenceFused(await base.readF32(`${TARGET}.weight`), [
      { adapter: adapter, strength: 0.5, hasAlpha: true },
    ]);
    let err = 0;
    let scale = 0;
    for (let o = 0; o < adapter.out; o++)
      for (let i = 0; i < adapter.in; i++) {
        const w = want[o * adapter.in + i]!;
        err = Math.max(err, Math.abs(got[i * adapter.out + o]! - w));
        scale = Math.max(scale, Math.abs(w));
      }
    expect(err / scale).toBeLessThanOrEqual(1e-6);
  }, 120_000);

  it('int8: the LoRA is fused before quantising (every value within half a quantisation step of the fused weight)', async () => {
    const to = join(dir, 'int8');
    const blockSize = 32;
    const result = await runCli(
      'convert',
      '--from',
      checkpoint,
      '--to',
      to,
      '--precision',
      'int8',
      '--lora',
      lora,
    );
    expect(result.code, result.output).toBe(0);
    const { out: n, in: k } = adapter;
    const kBlocks = Math.ceil(k / blockSize);
    const packed = await stored(to, 'transformer', `${TARGET}.weight.q8`);
    const scales = new Float32Array((await stored(to, 'transformer', `${TARGET}.weight.scales`)).buffer);
    const deq = dequantizeBlockwise({ packed, scales, n, k, kBlocks, blobSize: blockSize }, 8, blockSize);
    const fused = referenceFused(await base.readF32(`${TARGET}.weight`), [
      { adapter: adapter, strength: 1, hasAlpha: true },
    ]);
    const unfused = await base.readF32(`${TARGET}.weight`);
    let worstFused = 0;
    let worstUnfused = 0;
    for (let row = 0; row < n; row++)
      for (let i = 0; i < k; i++) {
        const step = scales[row * kBlocks + Math.floor(i / blockSize)]!;
        worstFused = Math.max(worstFused, Math.abs(deq[row * k + i]! - fused[row * k + i]!) / step);
        worstUnfused = Math.max(worstUnfused, Math.abs(deq[row * k + i]! - unfused[row * k + i]!) / step);
      }
    expect(worstFused).toBeLessThanOrEqual(0.5 + 1e-3);
    expect(worstUnfused).toBeGreaterThan(1);
  }, 120_000);
});

describe('qwen-edit edit --lora --fast', () => {
  it('runs 4 Lightning steps at CFG 1 with the LoRA fused at load time, and the recipe says so', async () => {
    await ensureDemoModel(0);
    const image = join(dir, 'in.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c04080' } })
      .png()
      .toFile(image);
    const recipe = join(dir, 'r.json');
    const result = await runCli(
      ...['edit', '--image', image, '--prompt', 'make it blue', '--area', '4096', '--seed', '1'],
      ...['--lora', `${lora}:0.75`, '--fast', '4', '--recipe', recipe],
    );
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/4 steps, CFG off/);
    const saved = JSON.parse(await readFile(recipe, 'utf8')) as { recipe: Record<string, unknown> };
    expect(saved.recipe).toMatchObject({
      steps: 4,
      cfg: 1,
      cfgActive: false,
      schedulerPreset: 'lightning',
      loras: [{ name: 'detail.safetensors', strength: 0.75, fused: 'load' }],
    });
  }, 120_000);

  it('refuses a bad strength, a bad --fast, --fast with --steps and a missing LoRA file before loading', async () => {
    const edit = ['edit', '--image', lora, '--prompt', 'x'];
    const hint = "(try 'qwen-edit edit --help')";
    expect(await runCli(...edit, '--lora', `${lora}:9`)).toMatchObject({
      code: 2,
      stderr: `qwen-edit edit: --lora strength must be from -4 to 4, got '${lora}:9' ${hint}`,
    });
    expect(await runCli(...edit, '--fast', '3')).toMatchObject({
      code: 2,
      stderr: `qwen-edit edit: --fast must be one of 4, 8, got '3' ${hint}`,
    });
    expect(await runCli(...edit, '--fast', '4', '--steps', '8')).toMatchObject({
      code: 2,
      stderr: `qwen-edit edit: give --fast or --steps, not both ${hint}`,
    });
    const missing = await runCli(...edit, '--lora', join(dir, 'absent.safetensors'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('absent.safetensors');
    expect(missing.stderr).not.toContain('RANDOM weights');
  });
});
