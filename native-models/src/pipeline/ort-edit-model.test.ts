/**
 * The split modulation as the pipeline drives it: one modulation run for a whole schedule gives the
 * transformer the same velocity as computing each σ's modulation alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../tiny/tiny-model';
import { seededRandom, uniformArray } from '../testing/seeded';
import { maxAbsDiff } from '../testing/compare';
import type { EditModel, TokenGrid } from './edit-model';
import { openEditModel } from './ort-edit-model';

let batched: EditModel;
let single: EditModel;
beforeAll(async () => {
  const dir = await ensureTinyModel(0);
  batched = await openEditModel(dir, { provider: 'cpu', threads: 1, verify: 'size' });
  single = await openEditModel(dir, { provider: 'cpu', threads: 1, verify: 'size' });
});
afterAll(async () => {
  await batched.close();
  await single.close();
});

describe('modulation for a whole schedule', () => {
  it('prepareTimesteps once, then each step: the same velocities as per-step modulation (≤1e-6 relative)', async () => {
    const grids: TokenGrid[] = [
      [1, 2, 2],
      [1, 2, 2],
    ];
    const rng = seededRandom(21);
    const tokens = uniformArray(8 * 64, rng);
    const textTokens = 5;
    const text = uniformArray(textTokens * 64, rng, 2);
    const schedule = Float32Array.from([1, 0.8125, 0.5, 0.25]);
    await batched.prepareTimesteps!(schedule);
    for (const sigma of [schedule[1]!, schedule[3]!]) {
      const got = await batched.transformer(tokens, text, textTokens, sigma, grids);
      const want = await single.transformer(tokens, text, textTokens, sigma, grids);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0);
      expect(maxAbsDiff(got, want) / scale).toBeLessThanOrEqual(1e-6);
    }
    // A σ outside the prepared schedule still runs (its modulation is computed on demand).
    const extra = await batched.transformer(tokens, text, textTokens, 0.3, grids);
    expect(extra.every(Number.isFinite)).toBe(true);
  });
});
