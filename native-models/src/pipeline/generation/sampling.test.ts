import { describe, expect, it } from 'vitest';
import { tokenChooser } from './sampling';

const logits = Float32Array.from([0.1, 2.0, 1.9, -1, 0.5, 1.95]);

describe('token chooser', () => {
  it('is greedy without a temperature, and top-k 1 or a tiny top-p collapse sampling to greedy', () => {
    expect(tokenChooser({})(logits, [])).toBe(1);
    for (const seed of [1, 2, 3]) {
      expect(tokenChooser({ temperature: 1, topK: 1, seed })(logits, [])).toBe(1);
      expect(tokenChooser({ temperature: 1, topP: 1e-3, seed })(logits, [])).toBe(1);
    }
  });

  it('draws only from the top-k, reproducibly per seed', () => {
    const draw = (seed: number) => {
      const choose = tokenChooser({ temperature: 1, topK: 3, seed });
      return Array.from({ length: 200 }, () => choose(logits, []));
    };
    const a = draw(5);
    expect(a).toEqual(draw(5));
    expect(a).not.toEqual(draw(6));
    expect(new Set(a)).toEqual(new Set([1, 2, 5]));
  });

  it('applies the repetition penalty to tokens already seen', () => {
    expect(tokenChooser({ repetitionPenalty: 1.2 })(logits, [1])).toBe(5);
  });

  it('refuses meaningless options, naming them', () => {
    expect(() => tokenChooser({ temperature: -1 })).toThrow(/temperature/);
    expect(() => tokenChooser({ topK: 0 })).toThrow(/topK/);
    expect(() => tokenChooser({ topP: 1.5 })).toThrow(/topP/);
  });
});
