import { createRequire } from 'node:module';
import { parseOptions } from '../arguments';

export const summary = 'print the onnxruntime-node version and the execution providers it offers';

export async function run(argv: string[]): Promise<number> {
  parseOptions(argv, {});
  const ort = await import('onnxruntime-node');
  const require = createRequire(import.meta.url);
  const { version } = require('onnxruntime-node/package.json') as { version: string };
  const backends = ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`);
  console.log(`onnxruntime-node ${version}\nexecution providers: ${backends.join(', ')}`);
  return 0;
}
