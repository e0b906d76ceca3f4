#!/usr/bin/env node
// The `qwen-edit` command. It runs the TypeScript sources through tsx so that `npx qwen-edit` works right
// after `npm ci`, with no build step and no Python.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
