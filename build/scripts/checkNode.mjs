// CI's set-up: fails at once, with the reason, when this Node is older than package.json's engines.node
// (npm only warns, and the failure would come later and obscurely).
import { readFileSync } from 'node:fs';
import { nodeVersionProblem } from './startMessage.mjs';

const { engines } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const problem = nodeVersionProblem(process.versions.node, engines.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
console.log(`Node.js ${process.versions.node} meets engines.node ${engines.node}`);
