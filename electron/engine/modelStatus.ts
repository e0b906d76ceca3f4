/**
 * What the engine can say about the model folder without loading anything: a converted model is there,
 * or the tiny demo model will be used.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineHello } from '../shared/engineProtocol';

export function describeModelFolder(folder: string): EngineHello['model'] {
  if (existsSync(join(folder, 'model.json'))) {
    return { folder, status: 'ready', detail: 'converted model found' };
  }
  return {
    folder,
    status: 'demo',
    detail:
      'no model installed: the tiny demo model with random weights is used (convert one with `npx qwen-edit convert`)',
  };
}
