/**
 * What the engine can say about the model folder at start-up without loading weights: a converted model is
 * there (its manifest is one the pipeline opens: this pipeline, every component, this format version, every
 * field well-formed, every file it loads hashed, inside the folder and of the recorded size), one is there but
 * unusable (the reason), or none is and the tiny demo model will be used. File contents are hashed when the
 * model is opened (only files changed since their last hash) and by `verifyModel`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPONENT_NAMES,
  EDIT_PIPELINE as PIPELINE,
  manifestProblem,
  MODEL_FORMAT_VERSION,
  MODEL_MANIFEST,
  ModelFolderError,
  verifyModelFolder,
  type VerifyMode,
} from '../../native-models/src';
import type { EngineHello } from '../shared/engineProtocol';

export async function describeModelFolder(
  folder: string,
  // 'auto' re-hashes only files whose inode, size, mtime or ctime moved since the last full check (a fresh
  // conversion is stamped), so a byte flipped behind an unchanged mtime says "invalid" at start-up, before any edit.
  verify: VerifyMode = 'auto',
): Promise<EngineHello['model']> {
  const manifestPath = join(folder, MODEL_MANIFEST);
  if (!folder || !existsSync(manifestPath)) {
    return {
      folder,
      status: 'demo',
      detail:
        'no model installed: the tiny demo model with random weights is used (convert one with `npx qwen-edit convert`)',
    };
  }
  const invalid = (detail: string) => ({ folder, status: 'invalid' as const, detail });
  let manifest: {
    pipeline?: unknown;
    precision?: unknown;
    formatVersion?: unknown;
    components?: Record<string, unknown>;
  };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (error) {
    return invalid(`model.json cannot be read: ${(error as Error).message}`);
  }
  if (manifest?.pipeline !== PIPELINE)
    return invalid(`the folder holds a ${String(manifest?.pipeline ?? 'unknown')} model, not ${PIPELINE}`);
  const missing = COMPONENT_NAMES.filter((c) => !manifest.components?.[c]);
  if (missing.length) return invalid(`model.json lacks the component(s) ${missing.join(', ')}`);
  if (manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    return invalid(
      `model.json is format version ${String(manifest.formatVersion)}; this build reads ${MODEL_FORMAT_VERSION} (convert the model again)`,
    );
  }
  const problem = manifestProblem(manifest);
  if (problem) return invalid(`model.json is malformed at ${problem}`);
  try {
    await verifyModelFolder(folder, verify);
  } catch (error) {
    // A folder that cannot even be read (permissions, a dangling link) is as unusable as a corrupt one.
    return invalid(error instanceof ModelFolderError ? error.message : `cannot check it: ${String(error)}`);
  }
  return { folder, status: 'ready', detail: `converted model (${String(manifest.precision)})` };
}
