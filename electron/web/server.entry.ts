/**
 * `npm run web`: starts web mode and prints the URL, with its access token (the only place the token is
 * ever shown). Options via environment: QWEN_EDIT_HOST (127.0.0.1), QWEN_EDIT_PORT (5317; 0 picks a free
 * one), QWEN_EDIT_TOKEN (a chosen token of ≥128 bits; by default a random one per launch).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultUserDataDir, modelDir } from '../core/appPaths';
import { startWebServer } from './WebServer';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };

try {
  const server = await startWebServer({
    host: process.env.QWEN_EDIT_HOST ?? '127.0.0.1',
    port: Number(process.env.QWEN_EDIT_PORT ?? 5317),
    token: process.env.QWEN_EDIT_TOKEN || undefined,
    rendererDir: `${root}renderer/dist`,
    userDataDir: defaultUserDataDir(),
    modelDir: modelDir(defaultUserDataDir()),
    appVersion: version,
    log: (line) => console.log(`[engine] ${line}`),
  });
  console.log(`Qwen Edit Studio (web mode) is running at ${server.url}`);
  console.log('Open that URL (it carries the access token for this launch); other addresses are refused.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`qwen-edit web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
