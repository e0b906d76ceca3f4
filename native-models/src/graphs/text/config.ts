import { num, type Json } from '../configJson';

/**
 * The language-model part of a Qwen2.5-VL `text_encoder/config.json`, with the keys upstream reads. Both the
 * flat layout (Qwen2.5-VL-7B-Instruct as first published) and the nested `text_config` layout (current
 * transformers) are accepted.
 */
export type Qwen25VLTextConfig = Readonly<{
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Frequency counts for the temporal, height and width position components; they sum to headDim / 2. */
  mropeSection: readonly [number, number, number];
  vocabSize: number;
  imageTokenId: number;
  visionStartTokenId: number;
}>;

/** Reads the language-model fields of a Qwen2.5-VL config; throws a clear error on unsupported values. */
export function parseQwen25VLTextConfig(
  json: unknown,
  where = 'text_encoder/config.json',
): Qwen25VLTextConfig {
  if (typeof json !== 'object' || json === null) throw new Error(`${where}: not a JSON object`);
  const top = json as Json;
  const text = (
    typeof top.text_config === 'object' && top.text_config !== null ? top.text_config : top
  ) as Json;
  const act = text.hidden_act ?? 'silu';
  if (act !== 'silu') throw new Error(`${where}: unsupported hidden_act '${String(act)}' (only 'silu')`);
  const hiddenSize = num(text, 'hidden_size', where);
  const numHeads = num(text, 'num_attention_heads', where);
  const numKvHeads = num(text, 'num_key_value_heads', where, numHeads);
  if (hiddenSize % numHeads !== 0 || numHeads % numKvHeads !== 0) {
    throw new Error(
      `${where}: hidden_size ${hiddenSize}, heads ${numHeads}, kv heads ${numKvHeads} do not divide`,
    );
  }
  const headDim = hiddenSize / numHeads;
  const rope = (text.rope_scaling ?? top.rope_scaling) as Json | undefined | null;
  const section = rope?.mrope_section;
  if (!Array.isArray(section) || section.length !== 3 || section.some((s) => typeof s !== 'number')) {
    throw new Error(`${where}: rope_scaling.mrope_section must be three numbers`);
  }
  const [st, sh, sw] = section as number[];
  if (st! + sh! + sw! !== headDim / 2) {
    throw new Error(
      `${where}: mrope_section ${JSON.stringify(section)} must sum to head_dim/2 = ${headDim / 2}`,
    );
  }
  return {
    hiddenSize,
    numLayers: num(text, 'num_hidden_layers', where),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: num(text, 'intermediate_size', where),
    rmsNormEps: num(text, 'rms_norm_eps', where, 1e-6),
    ropeTheta: num(text, 'rope_theta', where, 1_000_000),
    mropeSection: [st!, sh!, sw!],
    vocabSize: num(text, 'vocab_size', where),
    imageTokenId: num(top, 'image_token_id', where, 151655),
    visionStartTokenId: num(top, 'vision_start_token_id', where, 151652),
  };
}
