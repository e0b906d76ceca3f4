/**
 * Where the app keeps its data outside Electron (web mode, CLI, tests): the platform's per-user data folder.
 * Electron main passes `app.getPath('userData')` instead, so both modes can share one folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER_NAME = 'Qwen Edit Studio';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QWEN_EDIT_USER_DATA) return env.QWEN_EDIT_USER_DATA;
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER_NAME);
  }
}

/** The folder a converted model is installed into; QWEN_EDIT_MODEL_DIR overrides it. */
export function modelDir(userData: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.QWEN_EDIT_MODEL_DIR ?? join(userData, 'models', 'qwen-image-edit');
}
