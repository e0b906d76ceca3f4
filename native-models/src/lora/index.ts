/** LoRAs: their files in every common key layout, fused into a model at load time or at conversion. */
export { openLoraFile, LoraError } from './lora-file';
export type { LoraFile, LoraModule } from './lora-file';
export { parseLoraKey, kohyaName } from './lora-keys';
export { planFusion } from './fusion-plan';
export type { LoraApplication, FusionTerm, ModuleShape } from './fusion-plan';
export { fuseAtLoad } from './fuse-at-load';
export type { LoadTimeFusion } from './fuse-at-load';
export { withLorasFused } from './fuse-at-conversion';
