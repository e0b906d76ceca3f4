/** Model folders: the manifest, verification, ORT sessions, and the cached tiny model. */
export { openModel, isCpuPlacementRefusal } from './open-model';
export type { LoadedModel, OpenModelOptions, Provider } from './open-model';
export { verifyModelFolder, ModelFolderError, VERIFIED_STAMP } from './verify';
export { modelManifestSchema, manifestProblem } from './manifest-schema';
export type { VerifyMode } from './verify';
export { MODEL_MANIFEST, MODEL_FORMAT } from './manifest';
export type { ModelManifest, ComponentEntry, ComponentName, FileEntry } from './manifest';
export { ensureTinyModel } from './tiny-model';
export { cacheRoot } from './cache-dir';
export { sha256File } from './hash';
