/** safetensors I/O: headers, on-demand tensor reads (single and sharded), a streaming writer. */
export { bytesToF32, f32ToBytes, f32ToBf16, f32ToF16, bf16ToF32, f16ToF32, DTYPE_BYTES } from './dtype';
export { readSafetensorsHeader, SafetensorsError } from './header';
export type { SafetensorsHeader, TensorEntry } from './header';
export { openSafetensors, weightsFromHeaders } from './reader';
export type { SafetensorsWeights } from './reader';
export { openShardedSafetensors, openWeightsInFolder } from './sharded';
export { writeSafetensors, encodeSafetensorsHeader } from './writer';
export type { TensorToWrite } from './writer';
