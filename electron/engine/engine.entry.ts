/**
 * Entry of the engine host process (Electron utilityProcess, or a forked child in web mode). It loads
 * onnxruntime, says hello with what it found, then serves jobs until its parent goes away.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { applyRuntimeSettings, cudaProviderInstalled } from '../../native-models/src';
import { EngineHost } from './EngineHost';
import { connectToParent } from './engineChannel';
import { describeModelFolder } from './modelStatus';
import { createEditJob } from './editJob';
import { createTextJob } from './textJob';
import { runSelfTest } from './selfTest';
import { activeModelFolder, createModelJobs, modelsRoot } from './modelJobs';

// The saved provider, GPU and memory policy become the pipeline's environment before anything reads it.
applyRuntimeSettings(modelsRoot());
const modelFolder = activeModelFolder(process.env.QWEN_EDIT_MODEL_DIR ?? '');
const channel = connectToParent();
const host = new EngineHost(channel, {
  'engine:selftest': runSelfTest,
  'engine:edit': createEditJob(modelFolder, (line) => console.log(`[engine] ${line}`)),
  'engine:verifyModel': () => describeModelFolder(modelFolder, 'sha256'),
  'engine:text': createTextJob(modelFolder, (line) => console.log(`[engine] ${line}`)),
  ...createModelJobs(),
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
