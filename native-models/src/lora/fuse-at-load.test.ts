/**
 * Load-time fusion on the converted tiny model: the patched weights handed to ORT equal the plain-loop
 * `W + s·(B·A)·alpha/rank` (in the graph's transposed layout), every other initializer keeps the folder's
 * bytes, strength 0 patches nothing, and int folders are sent to conversion-time fusion.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalPlacements } from '../onnx/external-placements';
import type { ModelManifest } from '../model-store/manifest';
import { openWeightsInFolder } from '../safetensors';
import type { SafetensorsWeights } from '../safetensors';
import { ensureTinyCheckpoint } from '../tiny/ensure';
import { ensureTinyModel } from '../tiny/tiny-model';
import { convertCheckpoint } from '../convert/convert';
import { COMPONENTS } from '../convert/components';
import { bf16ToF32 } from '../safetensors';
import { fuseAtLoad } from './fuse-at-load';
import { openLoraFile } from './lora-file';
import { randomAdapters, referenceFused, writeTestLora } from './testing/test-loras';
import { transposeF32 } from './delta-kernel';

const TARGETS = [
  'transformer_blocks.0.attn.to_v',
  'transformer_blocks.1.attn.add_q_proj',
  'transformer_blocks.0.txt_mlp.net.0.proj',
  'transformer_blocks.0.img_mod.1',
  'norm_out.linear',
  'proj_out',
];

let dir: string;
let modelDir: string;
let manifest: ModelManifest;
let base: SafetensorsWeights;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lora-load-'));
  modelDir = await ensureTinyModel(0);
  manifest = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8')) as ModelManifest;
  base = await openWeightsInFolder(join(await ensureTinyCheckpoint(0), 'transformer'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fuseAtLoad', () => {
  it('hands ORT W + s·(B·A)·alpha/rank for every adapted weight, and the folder file for the rest', async () => {
    const shapes = new Map(
      TARGETS.map((m) => [m, base.info(`${m}.weight`).shape as unknown as [number, number]]),
    );
    const adapters = randomAdapters(shapes, 3, 17, 6);
    await writeTestLora(join(dir, 'a.safetensors'), 'lightx2v', adapters);
    const lora = await openLoraFile(join(dir, 'a.safetensors'));
    const fusion = await fuseAtLoad(modelDir, manifest, [{ lora, strength: 0.8 }]);
    // The AdaLN weights (img_mod, norm_out) live in the modulation graph, the rest in the transformer's.
    expect([...fusion.sources.keys()].sort()).toEqual(['modulation', 'transformer']);
    const seen = new Set<string>();
    let patched = 0;
    for (const [component, source] of fusion.sources) {
      const graph = manifest.components[component]!.model;
      const placements = externalPlacements(await readFile(join(modelDir, graph)));
      // The graph's data file in memory: patched where a LoRA applies, the file's bytes elsewhere.
      const location = [...placements.values()][0]!.location;
      expect(source.externalData.map((f) => f.path)).toEqual([location]);
      const data = source.externalData[0]!.data;
      const onDisk = new Uint8Array(await readFile(join(modelDir, graph, '..', location)));
      expect(data.length).toBe(onDisk.length);
      for (const [name, p] of placements) {
        const module = /^(.*)\.weight\.T$/.exec(name)?.[1];
        const got = data.slice(p.offset, p.offset + p.length);
        if (!module || !TARGETS.includes(module)) {
          expect(got, name).toEqual(onDisk.slice(p.offset, p.offset + p.length));
          continue;
        }
        seen.add(module);
        patched++;
        const values = new Float32Array(got.buffer);
        const a = adapters.find((x) => x.module === module)!;
        const want = referenceFused(await base.readF32(`${module}.weight`), [
          { adapter: a, strength: 0.8, hasAlpha: true },
        ]);
        const wantT = transposeF32(want, a.out, a.in);
        let err = 0;
        let scale = 0;
        wantT.forEach((w, i) => {
          err = Math.max(err, Math.abs(values[i]! - w));
          scale = Math.max(scale, Math.abs(w));
        });
        expect(err / scale, `${component} ${name}`).toBeLessThanOrEqual(1e-6);
      }
    }
    expect([...seen].sort()).toEqual([...TARGETS].sort());
    expect(fusion.tensors).toBe(patched);
  });

  it('bf16 folder: the patched weight is the fused value rounded to bfloat16', async () => {
    const bf16 = join(dir, 'bf16');
    const components = COMPONENTS.filter((c) => c.name === 'transformer' || c.name === 'modulation');
    await convertCheckpoint(await ensureTinyCheckpoint(0), bf16, { precision: 'bf16', components });
    const folder = JSON.parse(await readFile(join(bf16, 'model.json'), 'utf8')) as ModelManifest;
    const module = TARGETS[0]!;
    const shapes = new Map([[module, base.info(`${module}.weight`).shape as unknown as [number, number]]]);
    const adapters = randomAdapters(shapes, 4, 29, 8);
    await writeTestLora(join(dir, 'b.safetensors'), 'peft', adapters);
    const lora = await openLoraFile(join(dir, 'b.safetensors'));
    const fusion = await fuseAtLoad(bf16, folder, [{ lora, strength: 1.25 }]);
    const source = fusion.sources.get('transformer')!;
    const graph = await readFile(join(bf16, folder.components.transformer!.model));
    const p = externalPlacements(new Uint8Array(graph)).get(`${module}.weight.T`)!;
    expect(p.dtype).toBe('bfloat16');
    const bytes = source.externalData[0]!.data.slice(p.offset, p.offset + p.length);
    const got = bf16ToF32(new Uint16Array(bytes.buffer));
    const a = adapters[0]!;
    // The base as the folder stores it (bf16), then the update, as load-time fusion sees it.
    const stored = new Uint8Array(await readFile(join(bf16, 'transformer', p.location))).slice(
      p.offset,
      p.offset + p.length,
    );
    const baseT = bf16ToF32(new Uint16Array(stored.buffer));
    const want = transposeF32(
      referenceFused(transposeF32(baseT, a.in, a.out), [{ adapter: a, strength: 1.25, hasAlpha: true }]),
      a.out,
      a.in,
    );
    let worst = 0;
    want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i]! - w) / Math.max(Math.abs(w), 1e-30))));
    // Rounded to the nearest bfloat16 (8 significant bits): at most half an ulp, 2^-8 of the value.
    expect(worst).toBeLessThanOrEqual(2 ** -8);
    expect(got).not.toEqual(baseT);
  });

  it('strength 0 patches nothing: the sessions come from the folder as they are', async () => {
    const shapes = new Map([
      [TARGETS[0]!, base.info(`${TARGETS[0]}.weight`).shape as unknown as [number, number]],
    ]);
    await writeTestLora(join(dir, 'z.safetensors'), 'peft', randomAdapters(shapes, 2, 1));
    const lora = await openLoraFile(join(dir, 'z.safetensors'));
    const fusion = await fuseAtLoad(modelDir, manifest, [{ lora, strength: 0 }]);
    expect(fusion.sources.size).toBe(0);
    expect(fusion.tensors).toBe(0);
  });

  it('refuses an int8 folder, pointing at conversion-time fusion', async () => {
    const shapes = new Map([
      [TARGETS[0]!, base.info(`${TARGETS[0]}.weight`).shape as unknown as [number, number]],
    ]);
    await writeTestLora(join(dir, 'q.safetensors'), 'peft', randomAdapters(shapes, 2, 1));
    const lora = await openLoraFile(join(dir, 'q.safetensors'));
    const int8 = {
      ...manifest,
      precision: 'int8',
      components: {
        ...manifest.components,
        transformer: { ...manifest.components.transformer!, precision: 'int8' },
      },
    } as ModelManifest;
    await expect(fuseAtLoad(modelDir, int8, [{ lora, strength: 1 }])).rejects.toThrow(
      'is an int8 model: its weights are quantised, so LoRAs must be fused when converting (qwen-edit convert --lora file[:strength])',
    );
  });
});
