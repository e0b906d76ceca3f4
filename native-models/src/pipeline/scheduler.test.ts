import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSchedulerConfig } from '../config/pipeline';
import { calculateMu, eulerStep, flowMatchSchedule, QWEN_IMAGE_SCHEDULER } from './scheduler';

type Fixture = {
  schedules: { steps: number; imageSeqLen: number; mu: number; sigmas: number[]; timesteps: number[] }[];
};
// float64 evaluation of the spec's formulas (spec §8.2), made by a separate script.
const fixture = JSON.parse(
  readFileSync(new URL('fixtures/flow-match-schedules.json', import.meta.url), 'utf8'),
) as Fixture;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('flowMatchSchedule', () => {
  for (const ref of fixture.schedules) {
    it(`matches the reference formulas to 1e-6: ${ref.steps} steps at S=${ref.imageSeqLen}`, () => {
      const s = flowMatchSchedule(ref.steps, ref.imageSeqLen);
      expect(s.mu).toBeCloseTo(ref.mu, 12);
      expect(maxAbsDiff(s.sigmas, ref.sigmas)).toBeLessThan(1e-6);
      // timesteps are sigma·1000 in float32: 1e-6 relative.
      expect(maxAbsDiff(s.timesteps, ref.timesteps)).toBeLessThan(1e-3);
      expect(s.sigmas[0]).toBe(1);
      expect(s.sigmas[ref.steps - 1]).toBeCloseTo(0.02, 7);
      expect(s.sigmas[ref.steps]).toBe(0);
    });
  }

  it("reproduces the spec's example tables (1024², S = 4096)", () => {
    expect(calculateMu(4096)).toBeCloseTo(0.693548, 6);
    expect(Math.exp(calculateMu(4096))).toBeCloseTo(2.000803, 6);
    const near = (got: ArrayLike<number>, want: number[]) =>
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(5e-7 + 1e-7));
    const s50 = flowMatchSchedule(50, 4096).sigmas;
    near(s50, [1.0, 0.989701, 0.979192, 0.968465, 0.957516]);
    near(s50.subarray(45), [0.165502, 0.131149, 0.095499, 0.058476, 0.02, 0]);
    const s40 = flowMatchSchedule(40, 4096).sigmas;
    near(s40, [1.0, 0.986964, 0.973593, 0.959875, 0.945796]);
    near(s40.subarray(35), [0.198745, 0.157108, 0.113533, 0.067881, 0.02, 0]);
    near(flowMatchSchedule(4, 4096).sigmas, [1.0, 0.766709, 0.455614, 0.02, 0]);
  });

  it('passes the model timestep/1000 in float32, as the pipeline does', () => {
    const s = flowMatchSchedule(8, 1024);
    for (let i = 0; i < 8; i++) expect(s.modelTimesteps[i]).toBe(Math.fround(s.timesteps[i]! / 1000));
  });

  it('refuses zero or fractional step counts and runs a single step from sigma 1 to 0', () => {
    expect(() => flowMatchSchedule(0, 4096)).toThrow(RangeError);
    expect(() => flowMatchSchedule(2.5, 4096)).toThrow(RangeError);
    expect(Array.from(flowMatchSchedule(1, 4096).sigmas)).toEqual([1, 0]);
  });

  it('reads a scheduler_config.json and falls back to the pipeline defaults for absent keys', () => {
    expect(readSchedulerConfig({ ...QWEN_IMAGE_SCHEDULER })).toEqual(QWEN_IMAGE_SCHEDULER);
    const partial = readSchedulerConfig({ shift_terminal: 0.02 });
    expect(partial.use_dynamic_shifting).toBe(true);
    expect(partial.max_shift).toBe(1.15);
    expect(partial.max_image_seq_len).toBe(4096);
  });
});

describe('eulerStep', () => {
  it('moves x by (σ_next − σ)·v in float32', () => {
    const x = new Float32Array([1, -2, 0.5]);
    eulerStep(x, new Float32Array([0.5, 1, -4]), 1, 0.75);
    expect(Array.from(x)).toEqual([0.875, -2.25, 1.5]);
  });

  it('integrates the straight flow exactly: from noise to data with v = noise − data', () => {
    const noise = new Float32Array([0.3, -1.2, 2]);
    const data = new Float32Array([0.5, 0.25, -0.75]);
    const v = noise.map((n, i) => n - data[i]!);
    const { sigmas } = flowMatchSchedule(28, 1024);
    const x = Float32Array.from(noise);
    for (let i = 0; i < 28; i++) eulerStep(x, v, sigmas[i]!, sigmas[i + 1]!);
    x.forEach((value, i) => expect(value).toBeCloseTo(data[i]!, 5));
  });
});
