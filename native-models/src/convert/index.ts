/** Hugging Face checkpoint → model folder (validation, pluggable graph builders, model.json). */
export { convertCheckpoint, writeModelFolder } from './convert';
export type { ConvertOptions } from './convert';
export { validateCheckpoint } from './validate';
export type { CheckedCheckpoint } from './validate';
export { COMPONENTS } from './components';
export { component } from './component';
export type { ComponentPlugin, ConvertSettings, SourceFolder } from './component';
export { stderrProgress, silentProgress, progressLine } from './progress';
export type { ProgressSink } from './progress';
export { canonicalTextEncoderWeights } from './canonical-weights';
