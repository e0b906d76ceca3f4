/**
 * Entry of the engine host process (Electron utilityProcess, or a forked child in web mode). It loads
 * onnxruntime, says hello with what it found, then serves jobs until its parent goes away.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { cudaProviderInstalled } from '../../native-models/src';
import { EngineHost } from './EngineHost';
import { connectToParent } from './engineChannel';
import { describeModelFolder } from './modelStatus';
import { createEditJob } from './editJob';
import { runSelfTest } from './selfTest';

const modelFolder = process.env.QWEN_EDIT_MODEL_DIR ?? '';
const channel = connectToParent();
const host = new EngineHost(channel, {
  'engine:selftest': runSelfTest,
  'engine:edit': createEditJob(modelFolder, (line) => console.log(`[engine] ${line}`)),
  'engine:verifyModel': () => describeModelFolder(modelFolder, 'sha256'),
});

const require = createRequire(import.meta.url);
const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
// The folder's layout and sizes are checked before hello, so the status bar says "invalid" before any edit.
void describeModelFolder(modelFolder).then((model) =>
  host.hello({
    ortVersion,
    providers: ort.listSupportedBackends().map((b) => ({
      name: b.name,
      bundled: b.bundled,
      available: b.name === 'cuda' ? cudaProviderInstalled() : b.bundled,
    })),
    model,
  }),
);
