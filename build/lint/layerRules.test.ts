/**
 * The layer rules of design.md §2 are real lint errors: lint sample sources as if they lived in each layer
 * and check that forbidden imports fail while allowed ones pass.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer import rules', () => {
  it.each([
    [
      'renderer/src/Bad.tsx',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'Node built-ins',
    ],
    ['renderer/src/Bad.ts', "import fs from 'fs';\nexport const x = fs;\n", 'Node built-ins'],
    [
      'renderer/src/Bad.ts',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      'electron',
    ],
    [
      'renderer/src/Bad.ts',
      "import { x } from '../../native-models/src/weights';\nexport const y = x;\n",
      'model stack',
    ],
    [
      'electron/shared/Bad.ts',
      "import { join } from 'node:path';\nexport const x = join;\n",
      'Node built-ins',
    ],
    [
      'electron/shared/Bad.ts',
      "import { create } from 'zustand';\nexport const x = create;\n",
      'UI libraries',
    ],
    ['electron/core/Bad.ts', "import { app } from 'electron';\nexport const x = app;\n", 'electron'],
    ['electron/core/Bad.ts', "import { x } from '../main/window';\nexport const y = x;\n", 'downward'],
    [
      'electron/engine/Bad.ts',
      "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n",
      'parentPort',
    ],
    [
      'native-models/src/Bad.ts',
      "import { x } from '../../electron/core/appPaths';\nexport const y = x;\n",
      'knows nothing',
    ],
    [
      'electron/main/Bad.ts',
      "import { x } from '../../native-models/src/weights';\nexport const y = x;\n",
      'engine host does',
    ],
    [
      'native-models/src/graphs/text/Bad.ts',
      "import { x } from '../../convert/components';\nexport const y = x;\n",
      'native-models floors',
    ],
    [
      'native-models/src/model-store/Bad.ts',
      "import { x } from '../tiny/ensure';\nexport const y = x;\n",
      'native-models floors',
    ],
  ])('%s: rejects a forbidden import', async (file, code, why) => {
    const messages = await lintAs(file, code);
    expect(messages.length).toBe(1);
    expect(messages[0]).toContain(why);
  });

  it.each([
    [
      'renderer/src/Ok.ts',
      "import { requests } from '../../electron/shared/contract';\nexport const x = requests;\n",
    ],
    ['electron/core/Ok.ts', "import { join } from 'node:path';\nexport const x = join;\n"],
    [
      'electron/main/Ok.ts',
      "import type { WeightSource } from '../../native-models/src/weights';\nexport type X = WeightSource;\n",
    ],
    ['native-models/src/convert/Ok.ts', "import { x } from '../graphs/vae/graph';\nexport const y = x;\n"],
  ])('%s: accepts an allowed import', async (file, code) => {
    expect(await lintAs(file, code)).toEqual([]);
  });
});
