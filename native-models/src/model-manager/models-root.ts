/**
 * The model folder's layout: `<root>/<install>/` converted models (each with model.json and `install.json`),
 * `<root>/.sources/<catalogue id>/` downloaded checkpoints, `<root>/library.json` the active model. The root
 * is `<user data>/models`, the same folder electron/core/appPaths.ts derives (kept in step with it; the CLI
 * cannot import the app's services), or `QWEN_EDIT_MODELS_DIR`, or the folder chosen in the model-folder
 * setting (models-location.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chosenModelsRoot } from './models-location';

/** The app's user data folder (where the model-folder setting is kept). */
export function userDataFolder(env: NodeJS.ProcessEnv = process.env): string {
  const app = 'Qwen Edit Studio';
  return (
    env.QWEN_EDIT_USER_DATA ??
    (process.platform === 'win32'
      ? join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), app)
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support', app)
        : join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), app))
  );
}

export function defaultModelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QWEN_EDIT_MODELS_DIR) return env.QWEN_EDIT_MODELS_DIR;
  const userData = userDataFolder(env);
  return chosenModelsRoot(userData) ?? join(userData, 'models');
}

export const sourcesDir = (root: string, id: string) => join(root, '.sources', id);
export const LIBRARY_FILE = 'library.json';
export const INSTALL_RECORD = 'install.json';
