/**
 * native-models' public surface: what the app's engine host uses. The Qwen-Image-Edit pipeline on ONNX
 * Runtime (open a converted model folder, run edits with previews, cancellation, caches and a memory
 * policy), the demo model and the GPU self-test. Headless (plain Node).
 */
export { EditPipeline } from './pipeline/edit-pipeline';
export type { EditPipelineOptions, EditRunOptions } from './pipeline/edit-pipeline';
export { openEditModel, EditModelError } from './pipeline/ort-edit-model';
export type { OpenEditModelOptions } from './pipeline/ort-edit-model';
export { EDIT_PIPELINE } from './config/pipeline';
export { COMPONENT_NAMES } from './pipeline/edit-model';
export { manifestProblem, MODEL_MANIFEST, ModelFolderError, verifyModelFolder } from './model-store';
export type { VerifyMode } from './model-store';
export { MODEL_FORMAT_VERSION } from './version';
export type { EditModel, EditModelInfo, ComponentName } from './pipeline/edit-model';
export { EditRequestError, MAX_REFERENCE_IMAGES } from './pipeline/edit-request';
export * from './pipeline/edit-vocabulary';
export type { EditRequest, EditResult, StepEvent } from './pipeline/edit-request';
export { EditError } from './pipeline/edit-error';
export type { EditErrorCode } from './pipeline/edit-error';
export { ImageInputError } from './pipeline/load-image';
export { PromptError } from './pipeline/edit-prompt';
export type { PreviewImage } from './pipeline/preview';
export { ensureDemoModel } from './tiny/demo-model';
export { cudaProviderInstalled, providerFromEnv } from './pipeline/execution-provider';
export type { ProviderChoice } from './pipeline/execution-provider';
export { buildSelfTestModel, SELF_TEST_INPUT } from './selftest/selfTestModel';
export { openTextGenerator, TextGeneratorUnavailable } from './pipeline/generation/text-generator';
export type { TextGenerator, TextTaskRequest, TextTaskResult } from './pipeline/generation/text-generator';
export type { TextTask, TextLine } from './pipeline/generation/prompts';
export { SamplingError } from './pipeline/generation/sampling';
export type { SamplingOptions } from './pipeline/generation/sampling';
export { loadRgbImage } from './pipeline/load-image';
export { LIGHTNING_SCHEDULER, schedulerFor } from './pipeline/scheduler-presets';
export { openLoraFile, LoraError } from './lora';
export type { LoraFile } from './lora';
export { LIGHTNING_PRESETS, lightningPreset } from './model-manager';
export type { LightningPreset } from './model-manager';
export {
  applyRuntimeSettings,
  readRuntimeSettings,
  writeRuntimeSettings,
  assertFits,
  ModelFitError,
  CATALOGUE,
  DEMO_MODEL_FOLDER,
  DiskSpaceError,
  HubError,
  UnsupportedVariantError,
  activeFolder,
  defaultModelsRoot,
  discardPull,
  downloadedBytes,
  hubEndpoint,
  installModel,
  listInstalled,
  markUsed,
  measuredSizes,
  planModel,
  probeMachine,
  PUBLISHED_BF16_SIZES,
  pull,
  readSourceRecord,
  readToken,
  removeInstalled,
  resolveCatalogueRef,
  setActive,
  sourcesDir,
  verifyInstalled,
  addLoraFile,
  listLoras,
  LoraLibraryError,
  LORAS_DIR,
  resolveLora,
  ModelsLocationError,
  chosenModelsRoot,
  moveModelsRoot,
  userDataFolder,
} from './model-manager';
export type { CatalogueEntry, InstalledModel, LoraEntry, MachineInfo, PullProgress } from './model-manager';
