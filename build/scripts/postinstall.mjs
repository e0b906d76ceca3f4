// Runs after `npm ci`: fetches onnxruntime-node's CUDA execution provider (Linux x64; it is too large for
// the npm registry, so ORT downloads it from NuGet) without ever failing the install. Offline, or with
// ONNXRUNTIME_NODE_INSTALL=skip, the app still works on the CPU provider, and this says how to add CUDA later.
// ORT's own install script would fail the whole `npm ci` when the download fails, so it is run from here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ortDir = fileURLToPath(new URL('../../node_modules/onnxruntime-node/', import.meta.url));
const script = `${ortDir}script/install.js`;
if (existsSync(script)) {
  const env = { ...process.env };
  // ORT's script skips itself when it thinks it is being developed locally, which is how it reads our own
  // postinstall's environment: drop the variables it decides that from.
  delete env.npm_package_json;
  delete env.npm_config_local_prefix;
  const result = spawnSync(process.execPath, [script], {
    cwd: ortDir,
    env,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (result.status !== 0) {
    const reason =
      result.stderr
        ?.toString()
        .split('\n')
        .find((l) => /error|ENOTFOUND|fail/i.test(l)) ?? 'download failed';
    console.warn(
      `note: onnxruntime's CUDA provider could not be installed (${reason.trim().slice(0, 160)}); ` +
        'the app runs on the CPU. With network access, run ' +
        '`node node_modules/onnxruntime-node/script/install.js` to add CUDA.',
    );
  }
}
