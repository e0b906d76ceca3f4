/**
 * Entry of the engine host process (Electron utilityProcess, or a forked child in web mode). It loads
 * onnxruntime, says hello with what it found, then serves jobs until its parent goes away.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { EngineHost } from './EngineHost';
import { connectToParent } from './engineChannel';
import { describeModelFolder } from './modelStatus';
import { runSelfTest } from './selfTest';

const channel = connectToParent();
const host = new EngineHost(channel, {
  'engine:selftest': runSelfTest,
});

const require = createRequire(import.meta.url);
const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
const modelFolder = process.env.QWEN_EDIT_MODEL_DIR ?? '';

host.hello({
  ortVersion,
  providers: ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })),
  model: describeModelFolder(modelFolder),
});
