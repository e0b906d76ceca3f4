/**
 * The hub access token outside Electron: `QWEN_EDIT_HF_TOKEN` (or `HF_TOKEN`), else `<models root>/.hf-token`
 * written readable by the user only (0600). The Electron app keeps it with safeStorage instead. The token
 * is never printed or logged; callers show only whether one is set.
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const tokenPath = (root: string) => join(root, '.hf-token');

export async function readToken(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const fromEnv = env.QWEN_EDIT_HF_TOKEN ?? env.HF_TOKEN;
  if (fromEnv) return fromEnv;
  const text = await readFile(tokenPath(root), 'utf8').catch(() => '');
  return text.trim() || undefined;
}

export async function saveToken(root: string, token: string | null): Promise<void> {
  if (!token) return rm(tokenPath(root), { force: true });
  await writeFile(tokenPath(root), `${token}\n`, { mode: 0o600 });
  await chmod(tokenPath(root), 0o600);
}
