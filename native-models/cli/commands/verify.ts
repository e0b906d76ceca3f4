import { resolve } from 'node:path';
import { verifyModelFolder } from '../../src/model-store';

export const summary =
  're-hash every file of a model folder against its model.json: verify <model-dir> (exit 1 with the reason when it fails)';

export async function run(argv: string[]): Promise<number> {
  const [dir, ...extra] = argv;
  if (!dir || extra.length > 0) {
    console.error('usage: qwen-edit verify <model-dir>');
    return 2;
  }
  const folder = resolve(dir);
  const manifest = await verifyModelFolder(folder, 'sha256');
  console.log(`${folder}: ok (${Object.keys(manifest.files).length} files hashed, ${manifest.precision})`);
  return 0;
}
