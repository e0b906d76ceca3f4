/** Model folders: the manifest, verification, ORT sessions. */
export { openModel, isCpuPlacementRefusal } from './open-model';
export type { LoadedModel, OpenModelOptions, Provider } from './open-model';
export { verifyModelFolder, ModelFolderError, VERIFIED_STAMP } from './verify';
export { modelManifestSchema, manifestProblem } from './manifest-schema';
export type { VerifyMode } from './verify';
export { MODEL_MANIFEST, MODEL_FORMAT } from './manifest';
export type { ModelManifest, ComponentEntry, ComponentName, FileEntry } from './manifest';
export { cacheRoot } from './cache-dir';
export { sha256File } from './hash';
