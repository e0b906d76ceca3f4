/**
 * A conversion in its own process, for the test that kills one midway: `convert-child.ts <from> <to>
 * <precision>`; prints `stage <name>` as each component starts, so the test knows what is finished.
 */
import type { Precision } from '../../onnx';
import { convertCheckpoint } from '../convert';

const [from, to, precision] = process.argv.slice(2) as [string, string, Precision];
await convertCheckpoint(from, to, {
  precision,
  progress: {
    stage: (label) => process.stdout.write(`stage ${label}\n`),
    update: () => undefined,
    finish: () => undefined,
  },
});
process.stdout.write('finished\n');
