/**
 * Another app instance, for tests: opens the project given on the command line as its writer, prints
 * `ready`, then for each stdin line `label <versionId> <text>` sets that label and prints `done`.
 */
import { createInterface } from 'node:readline';
import { Project } from '../projects/Project';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: writerChild <projectDir>');
const project = await Project.open(dir);
console.log(project.readOnly ? 'readonly' : 'ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, versionId, ...text] = line.split(' ');
  if (command === 'label' && versionId) await project.setLabel(versionId, text.join(' '));
  console.log('done');
}
