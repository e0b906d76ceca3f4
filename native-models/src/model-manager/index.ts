/** Getting models onto the machine and fitting them to it: catalogue, download, import, install, library, plan. */
export { CATALOGUE, resolveCatalogueRef } from './catalogue';
export type { CatalogueEntry } from './catalogue';
export { LIGHTNING_PRESETS, lightningPreset } from './lightning-presets';
export type { LightningPreset } from './lightning-presets';
export { DEFAULT_ENDPOINT } from './hub-api';
export { hubEndpoint } from './hub-endpoint';
export { HubError } from './hub-errors';
export { DiskSpaceError } from './disk-space';
export { pull, discardPull, downloadedBytes, readSourceRecord, SOURCE_RECORD } from './pull';
export type { PullOptions, PullProgress, PullReport } from './pull';
export { locateCheckpoint } from './import-checkpoint';
export type { ImportedCheckpoint } from './import-checkpoint';
export { installModel, installFolder, UnsupportedVariantError } from './install';
export {
  DEMO_MODEL_FOLDER,
  activeFolder,
  listInstalled,
  markUsed,
  removeInstalled,
  setActive,
  verifyInstalled,
} from './library';
export type { InstalledModel } from './library';
export { defaultModelsRoot, sourcesDir, userDataFolder } from './models-root';
export { ModelsLocationError, chosenModelsRoot, moveModelsRoot } from './models-location';
export { probeMachine } from './gpu-probe';
export type { GpuInfo, MachineInfo } from './gpu-probe';
export { assertFits, measuredSizes, ModelFitError, planModel, PUBLISHED_BF16_SIZES } from './plan';
export type { MeasuredModel, Plan, PlanOption } from './plan';
export { readToken, saveToken } from './token-file';
export {
  applyRuntimeSettings,
  readRuntimeSettings,
  writeRuntimeSettings,
  DEFAULT_RUNTIME_SETTINGS,
} from './runtime-settings';
export type { RuntimeSettings } from './runtime-settings';
export {
  addLoraFile,
  lightningSteps,
  listLoras,
  LoraLibraryError,
  LORAS_DIR,
  resolveLora,
} from './lora-library';
export type { LoraEntry } from './lora-library';
