/**
 * Where generated artefacts (the tiny checkpoint, converted tiny models) are cached: `$QWEN_EDIT_CACHE`,
 * else `.cache/` at the repository root (gitignored).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function cacheRoot(): string {
  return process.env.QWEN_EDIT_CACHE || join(repoRoot, '.cache');
}
