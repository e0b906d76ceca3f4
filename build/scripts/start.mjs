// `npm start`: builds, then opens the Electron app. Where the Electron binary is not installed (it is
// downloaded by `npm ci` unless ELECTRON_SKIP_BINARY_DOWNLOAD is set), says so in one line and exits 1.
import { spawnSync } from 'node:child_process';
import { findElectronBinary } from './electronBinary.mjs';

const electronPath = findElectronBinary();
if (!electronPath) {
  console.error(
    'The Electron binary is not installed: run `node node_modules/electron/install.js` (with network access) ' +
      'to fetch it, or use `npm run web` to open the app in your browser instead.',
  );
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 0);
