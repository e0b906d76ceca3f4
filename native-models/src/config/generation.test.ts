import { describe, expect, it } from 'vitest';
import { generationConfig, textEncoderConfig } from '../tiny/configs';
import { lmHeadTensors, readGenerationConfig, tiedWordEmbeddings } from './generation';

describe('generation config', () => {
  it("reads the release's stop tokens and sampling values", () => {
    expect(readGenerationConfig(generationConfig())).toEqual({
      stopTokens: [151645, 151643],
      doSample: true,
      temperature: 1e-6,
      repetitionPenalty: 1.05,
    });
    expect(readGenerationConfig({ eos_token_id: 7, top_k: 20, top_p: 0.8 })).toMatchObject({
      stopTokens: [7],
      topK: 20,
      topP: 0.8,
    });
  });

  it('names the field of an unusable value', () => {
    expect(() => readGenerationConfig({ eos_token_id: 'x' })).toThrow(
      /generation_config\.json: 'eos_token_id'/,
    );
    expect(() => readGenerationConfig({ eos_token_id: 1, top_k: 0 })).toThrow(/'top_k'/);
  });

  it('wants lm_head only when the embeddings are untied', () => {
    const untied = textEncoderConfig();
    expect(tiedWordEmbeddings(untied)).toBe(false);
    expect(lmHeadTensors({ vocabSize: 10, hiddenSize: 4 }, false)).toEqual([
      { name: 'lm_head.weight', shape: [10, 4], kind: 'linear', fanIn: 4 },
    ]);
    const tied = { ...untied, tie_word_embeddings: true, text_config: { tie_word_embeddings: true } };
    expect(tiedWordEmbeddings(tied)).toBe(true);
    expect(lmHeadTensors({ vocabSize: 10, hiddenSize: 4 }, true)).toEqual([]);
    expect(() => tiedWordEmbeddings({ tie_word_embeddings: 'yes' })).toThrow(/tie_word_embeddings/);
  });
});
