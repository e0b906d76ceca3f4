// What `npm start` says when it cannot open the Electron app: kept apart from start.mjs so a test can read
// the exact words without starting anything.

/**
 * @param {{ electronVersion: string, platform: NodeJS.Platform, skipDownload: boolean }} context
 * @returns {string}
 */
export function missingBinaryMessage({ electronVersion, platform, skipDownload }) {
  const assets = platform === 'win32' ? 'electron.exe' : platform === 'darwin' ? 'Electron.app' : 'electron';
  return [
    `The Electron ${electronVersion} binary is not installed${skipDownload ? ' (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' : ' and could not be downloaded'}.`,
    '',
    'To get it on this machine, with access to github.com:',
    `  ${skipDownload ? 'ELECTRON_SKIP_BINARY_DOWNLOAD= ' : ''}node node_modules/electron/install.js && npm start`,
    `Offline: unpack electron-v${electronVersion}-${platform}-<arch>.zip from another machine into a folder and run`,
    `  ELECTRON_OVERRIDE_DIST_PATH=<that folder, holding ${assets}> npm start`,
    '',
    'Or run the same app in your browser, no Electron needed:',
    '  npm run web',
  ].join('\n');
}

/**
 * @param {string} running the Node version, as process.versions.node
 * @param {string} minimum the lowest supported version, as package.json's engines.node (">=X.Y[.Z]")
 * @returns {string | null} the complaint, or null when this Node is new enough
 */
export function nodeVersionProblem(running, minimum) {
  const want = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(minimum.trim());
  if (!want) return null;
  const have = running.split('.').map(Number);
  const need = [Number(want[1]), Number(want[2]), Number(want[3] ?? 0)];
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]) return null;
    if ((have[i] ?? 0) < need[i])
      return `Node.js ${running} is too old: this app needs Node.js ${need.join('.')} or newer (package.json "engines").`;
  }
  return null;
}
