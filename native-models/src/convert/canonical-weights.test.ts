import { describe, expect, it } from 'vitest';
import { memoryWeightSource } from '../weights';
import { canonicalTextEncoderWeights } from './canonical-weights';

describe('canonicalTextEncoderWeights', () => {
  it('presents older `visual.*` / `model.*` names under the current spelling', async () => {
    const t = (v: number) => ({ shape: [1], data: Float32Array.of(v) });
    const old = memoryWeightSource({
      'visual.merger.ln_q.weight': t(1),
      'model.norm.weight': t(2),
      'lm_head.weight': t(3),
    });
    const w = canonicalTextEncoderWeights(old);
    expect([...w.names()]).toEqual([
      'model.visual.merger.ln_q.weight',
      'model.language_model.norm.weight',
      'lm_head.weight',
    ]);
    expect(w.has('model.language_model.norm.weight')).toBe(true);
    expect(w.has('model.norm.weight')).toBe(false);
    expect([...(await w.readF32('model.language_model.norm.weight'))]).toEqual([2]);
    expect(w.info('model.visual.merger.ln_q.weight').shape).toEqual([1]);
  });

  it('passes a source already in the current spelling through unchanged', () => {
    const current = memoryWeightSource({
      'model.language_model.norm.weight': { shape: [1], data: Float32Array.of(1) },
    });
    expect(canonicalTextEncoderWeights(current)).toBe(current);
  });
});
