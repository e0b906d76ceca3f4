import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi, queryGpus } from './gpu-probe';
import type { GpuInfo, MachineInfo } from './gpu-probe';
import { activationBytes, assertFits, ModelFitError, planModel } from './plan';
import type { MeasuredModel } from './plan';

const MIB = 1024 ** 2;
/** Qwen-Image-Edit converted at bf16, sized from its parameter counts (20.43B DiT, 7.62B LM, 0.67B ViT). */
const BF16_MODEL: MeasuredModel = {
  precision: 'bf16',
  bytes: {
    transformer: 40.86e9,
    modulation: 0,
    generator: 0,
    text: 15.24e9,
    vision: 1.34e9,
    vae_encoder: 0.22e9,
    vae_decoder: 0.29e9,
  },
};
/** The same model at int4 as the converter writes it (0.57 bytes per element for the quantised two). */
const INT4_MODEL: MeasuredModel = {
  precision: 'int4',
  bytes: {
    transformer: 20.43e9 * 0.57,
    modulation: 0,
    generator: 0,
    text: 7.62e9 * 0.57,
    vision: 1.34e9,
    vae_encoder: 0.22e9,
    vae_decoder: 0.29e9,
  },
};

/** nvidia-smi reports MiB; an idle card shows a few hundred MiB in use. */
const card = (name: string, totalMiB: number, usedMiB = 500): GpuInfo => ({
  index: 0,
  name,
  totalBytes: totalMiB * MIB,
  freeBytes: (totalMiB - usedMiB) * MIB,
});
const machine = (gpu: GpuInfo): MachineInfo => ({ gpus: [gpu], ramBytes: 64e9, freeRamBytes: 48e9 });
const CARDS = {
  16: card('NVIDIA GeForce RTX 4060 Ti', 16380),
  24: card('NVIDIA GeForce RTX 4090', 24564),
  48: card('NVIDIA RTX 6000 Ada Generation', 49140),
  80: card('NVIDIA H100 80GB HBM3', 81559),
};
const choose = (gpu: GpuInfo, model = BF16_MODEL, size = 1024) =>
  planModel({ model, machine: machine(gpu), width: size, height: size }).recommended;

describe('the planner from measured component sizes', () => {
  it('recommends per card at 1024²: int4 + low-memory on 16 GB, int4 resident on 24, bf16 + low-memory on 48, bf16 resident on 80', () => {
    expect(choose(CARDS[16])).toMatchObject({
      precision: 'int4',
      policy: 'low-memory',
      needsConversion: true,
    });
    expect(choose(CARDS[24])).toMatchObject({ precision: 'int4', policy: 'resident' });
    expect(choose(CARDS[48])).toMatchObject({
      precision: 'bf16',
      policy: 'low-memory',
      needsConversion: false,
    });
    expect(choose(CARDS[80])).toMatchObject({ precision: 'bf16', policy: 'resident' });
  });

  it('computes the documented peak: resident is Σ weights + the largest activation + overhead', () => {
    const plan = planModel({ model: BF16_MODEL, machine: machine(CARDS[80]), width: 1024, height: 1024 });
    const tokens = 2 * 64 * 64 + 1024;
    const dit = 2 * tokens * 3072 * 24 * 2;
    const vae = 1024 * 1024 * 128 * 16;
    expect(plan.activations).toMatchObject({ transformer: dit, vae });
    const weights = 40.86e9 + 15.24e9 + 1.34e9 + 0.22e9 + 0.29e9;
    const resident = plan.options.find((o) => o.precision === 'bf16' && o.policy === 'resident')!;
    expect(resident.peakBytes).toBeCloseTo(weights + Math.max(dit, vae) + 1024 ** 3, -3);
    const low = plan.options.find((o) => o.precision === 'bf16' && o.policy === 'low-memory')!;
    expect(low.peakBytes).toBeCloseTo(40.86e9 + 0.51e9 + dit + 1024 ** 3, -3);
    expect(plan.summary).toMatch(
      /^bf16 \+ resident on GPU 0 \(NVIDIA H100 80GB HBM3, 85\.\d GB free of 85\.\d GB\): peak 6\d\.\d GB at 1024×1024/,
    );
  });

  it('an int4 model measured as installed gives the same choice on 16 GB without reconversion', () => {
    expect(choose(CARDS[16], INT4_MODEL)).toMatchObject({
      precision: 'int4',
      policy: 'low-memory',
      needsConversion: false,
    });
  });

  it('a larger output raises the activations and can change the choice', () => {
    // 2·128² + 1024 tokens against 2·64² + 1024.
    expect(activationBytes(2048, 2048).transformer / activationBytes(1024, 1024).transformer).toBeCloseTo(
      33792 / 9216,
      12,
    );
    expect(choose(CARDS[48], BF16_MODEL, 2048)).toMatchObject({ precision: 'int8' });
  });

  it('refuses, before loading, a run that cannot fit, and says what would', () => {
    const request = { model: BF16_MODEL, machine: machine(CARDS[24]), width: 1024, height: 1024 };
    expect(() => assertFits(request, 'resident')).toThrow(ModelFitError);
    expect(() => assertFits(request, 'low-memory')).toThrow(
      /This bf16 model with the low-memory policy needs about 4\d\.\d GB at 1024×1024, but GPU 0 .* leaves 2\d\.\d GB usable; nothing was loaded\. Recommended: int4 \+ resident\./,
    );
    expect(assertFits({ ...request, machine: machine(CARDS[80]) }, 'resident').recommended).not.toBeNull();
  });

  it('says when nothing fits at all', () => {
    const plan = planModel({
      model: BF16_MODEL,
      machine: machine(card('GeForce GTX 1070', 8192)),
      width: 1024,
      height: 1024,
    });
    expect(plan.recommended).toBeNull();
    expect(plan.summary).toMatch(
      /^nothing fits GPU 0 .* the smallest option \(int4 \+ low-memory\) needs \d+\.\d GB/,
    );
  });

  it('plans for host memory without a GPU, preferring fp32', () => {
    const plan = planModel({
      model: INT4_MODEL,
      machine: { gpus: [], ramBytes: 128e9, freeRamBytes: 120e9 },
      width: 512,
      height: 512,
    });
    expect(plan.recommended).toMatchObject({ precision: 'fp32', policy: 'resident', needsConversion: true });
    expect(plan.device).toMatch(/^CPU/);
  });
});

describe('reading the GPUs', () => {
  it('parses nvidia-smi csv and runs the real command when present (a script standing in for it)', async () => {
    expect(
      parseNvidiaSmi('0, NVIDIA H100 80GB HBM3, 81559, 81000\n1, NVIDIA RTX A4000, 16376, 15000\nbad line\n'),
    ).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', totalBytes: 81559 * MIB, freeBytes: 81000 * MIB },
      { index: 1, name: 'NVIDIA RTX A4000', totalBytes: 16376 * MIB, freeBytes: 15000 * MIB },
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'smi-'));
    try {
      const script = join(dir, 'nvidia-smi');
      await writeFile(
        script,
        '#!/bin/sh\n[ "$1" = "--query-gpu=index,name,memory.total,memory.free" ] && echo "0, Fake GPU, 24564, 24000"\n',
      );
      await chmod(script, 0o755);
      expect(await queryGpus(script)).toEqual([
        { index: 0, name: 'Fake GPU', totalBytes: 24564 * MIB, freeBytes: 24000 * MIB },
      ]);
      expect(await queryGpus(join(dir, 'absent'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
