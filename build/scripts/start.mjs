// `npm start`: builds, then opens the Electron app. Electron's binary is fetched on first use (the electron
// package has no install step); where it cannot be fetched (offline, or ELECTRON_SKIP_BINARY_DOWNLOAD=1),
// this says so — the exact commands that get it, and that `npm run web` runs the same app — exit 1, no stack trace.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electronBinary.mjs';
import { missingBinaryMessage, nodeVersionProblem } from './startMessage.mjs';

const readJson = (relative) => JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
const tooOld = nodeVersionProblem(process.versions.node, readJson('../../package.json').engines.node);
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}

function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return false;
  console.log('Downloading the Electron binary (first start only)…');
  const installer = fileURLToPath(new URL('../../node_modules/electron/install.js', import.meta.url));
  return spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'] }).status === 0;
}

const electronPath = findElectronBinary() ?? (fetchElectron() ? findElectronBinary() : null);
if (!electronPath) {
  console.error(
    missingBinaryMessage({
      electronVersion: readJson('../../node_modules/electron/package.json').version,
      platform: process.platform,
      skipDownload: Boolean(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD),
    }),
  );
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 0);
