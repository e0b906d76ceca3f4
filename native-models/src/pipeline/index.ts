/**
 * The Qwen-Image-Edit pipeline on ONNX Runtime: open a converted model folder, run edits with previews,
 * cancellation, caches and a memory policy. Headless (plain Node).
 */
export { EditPipeline } from './edit-pipeline';
export type { EditPipelineOptions, EditRunOptions } from './edit-pipeline';
export { openEditModel, EditModelError } from './ort-edit-model';
export type { OpenEditModelOptions } from './ort-edit-model';
export type { EditModel, EditModelInfo, ComponentName } from './edit-model';
export { EditRequestError, validateEditRequest } from './edit-request';
export * from './edit-vocabulary';
export type { EditRequest, EditResult, StepEvent } from './edit-request';
export { ImageInputError, loadRgbImage } from './load-image';
export { PromptError } from './edit-prompt';
export { EditError } from './edit-error';
export type { EditErrorCode } from './edit-error';
export type { PreviewImage } from './preview';
export { ensureDemoModel } from './demo-model';
export { providerFromEnv } from './execution-provider';
export type { ProviderChoice } from './execution-provider';
export { torchRandn, TorchCpuRandn } from './torch-randn';
export { flowMatchSchedule } from './scheduler';
