/**
 * The layer rules of design.md §2 are real lint errors: lint sample sources as if they lived in each layer and
 * check that imports off the layer's allow-list fail while listed ones pass.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

const use = (from: string, what = 'x') => `import { ${what} } from '${from}';\nexport const y = ${what};\n`;

describe('layer import rules (allow-lists)', () => {
  it.each([
    ['renderer/src/state/Bad.ts', use('node:fs', 'readFileSync'), 'renderer: state'],
    ['renderer/src/ui/Bad.ts', "import fs from 'fs';\nexport const x = fs;\n", 'renderer: ui'],
    ['renderer/src/actions/Bad.ts', use('electron', 'ipcRenderer'), 'renderer: actions'],
    ['renderer/src/actions/Bad.ts', use('../../../native-models/src/weights'), 'renderer: actions'],
    ['renderer/src/features/canvas/Bad.ts', use('../editor/Controls'), 'features/canvas'],
    ['renderer/src/state/Bad.ts', use('../actions/editorContext'), 'renderer: state'],
    ['renderer/src/newfolder/Bad.ts', use('../state/appStore'), 'unplaced'],
    ['electron/shared/Bad.ts', use('node:path', 'join'), 'electron/shared'],
    ['electron/shared/Bad.ts', use('zustand', 'create'), 'electron/shared'],
    ['electron/core/Bad.ts', use('electron', 'app'), 'electron/core'],
    ['electron/core/Bad.ts', use('../main/window'), 'electron/core'],
    ['electron/engine/Bad.ts', use('electron', 'BrowserWindow'), 'parentPort'],
    ['native-models/src/weights.ts', use('../../electron/core/appPaths'), 'native-models'],
    ['native-models/src/graphs/Bad.ts', use('../convert/convert'), 'native-models: graphs'],
    ['native-models/src/newfolder/Bad.ts', use('../onnx'), 'unplaced'],
    ['electron/main/Bad.ts', use('../../native-models/src/index'), 'engine host does'],
  ])('%s: rejects an import off its allow-list', async (file, code, why) => {
    const messages = await lintAs(file, code);
    expect(messages.length).toBe(1);
    expect(messages[0]).toContain(why);
  });

  it.each([
    ['renderer/src/state/Ok.ts', use('../../../electron/shared/contract', 'requests')],
    ['renderer/src/features/canvas/Ok.ts', use('../../state/appStore')],
    ['renderer/src/features/canvas/Ok.ts', use('./PixelGrid')],
    ['electron/core/Ok.ts', use('node:path', 'join')],
    ['native-models/src/graphs/Ok.ts', use('../onnx')],
    [
      'electron/main/Ok.ts',
      "import type { WeightSource } from '../../native-models/src/index';\nexport type X = WeightSource;\n",
    ],
  ])('%s: accepts an import on its allow-list', async (file, code) => {
    expect(await lintAs(file, code)).toEqual([]);
  });
});
