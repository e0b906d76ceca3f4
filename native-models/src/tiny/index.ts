/** The tiny Qwen-Image-Edit checkpoint: seeded random weights in the real Hugging Face layout. */
export { writeTinyCheckpoint, initTensor } from './generate';
export type { TinyOptions } from './generate';
export { ensureTinyCheckpoint, tinyCheckpointDir, TINY_GENERATOR_VERSION } from './ensure';
export { DEFAULT_TINY_SIZES, REAL_VOCAB_SIZE } from './configs';
export type { TinySizes } from './configs';
