/**
 * What the engine can say about the model folder at start-up without loading weights: a converted model is
 * there (its manifest names this pipeline and every component), one is there but unusable (the reason), or
 * none is and the tiny demo model will be used. File hashes are checked when the model is opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENT_NAMES, EDIT_PIPELINE as PIPELINE } from '../../native-models/src';
import type { EngineHello } from '../shared/engineProtocol';

export function describeModelFolder(folder: string): EngineHello['model'] {
  const manifestPath = join(folder, 'model.json');
  if (!folder || !existsSync(manifestPath)) {
    return {
      folder,
      status: 'demo',
      detail:
        'no model installed: the tiny demo model with random weights is used (convert one with `npx qwen-edit convert`)',
    };
  }
  let manifest: { pipeline?: unknown; precision?: unknown; components?: Record<string, unknown> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (error) {
    return { folder, status: 'invalid', detail: `model.json cannot be read: ${(error as Error).message}` };
  }
  if (manifest.pipeline !== PIPELINE) {
    return {
      folder,
      status: 'invalid',
      detail: `the folder holds a ${String(manifest.pipeline ?? 'unknown')} model, not ${PIPELINE}`,
    };
  }
  const missing = COMPONENT_NAMES.filter((c) => !manifest.components?.[c]);
  if (missing.length)
    return { folder, status: 'invalid', detail: `model.json lacks the component(s) ${missing.join(', ')}` };
  return {
    folder,
    status: 'ready',
    detail: `converted model (${String(manifest.precision ?? 'unknown precision')})`,
  };
}
