import { describe, expect, it } from 'vitest';
import { createContractClient, type RawTransport } from '../../../electron/shared/client';
import type { ShellCommand } from '../../../electron/shared/contract';
import { createDispatcher } from '../../../electron/shared/dispatcher';
import type { ProjectTree } from '../../../electron/shared/projectSchemas';
import { CodedError } from '../../../electron/shared/result';
import { MAIN_ONLY_COMMANDS, type PageCommandId } from '../../../electron/shared/shellCommands';
import { SHORTCUTS } from '../../../electron/shared/shortcuts';
import { createEditor } from '../actions/Editor';
import type { OpenableFile } from '../actions/openImageFile';
import { createAppStore } from '../state/appStore';
import { FakeBitmap } from '../testing/fakeBitmap';
import { branchedTree, version } from '../testing/testTree';
import { ImageRegistry } from '../ui/imageRegistry';
import { PreviewSink } from '../ui/previewSink';
import { createPanels } from './panels';
import { createShellHandlers, MENU_VARIATIONS, menuOnlyKeyCommand } from './shellCommands';

const EXPORTED = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 7, 7]);
const PICKED = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

/**
 * The page's shell handlers over a real editor and store, and an app side behind the real dispatcher (so
 * every request and answer is checked against the contract) that records what it is asked.
 */
async function setup() {
  let current: ProjectTree = branchedTree('b');
  let edits = 0;
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const written = new Map<string, Uint8Array>();
  const picked = new Set(['/home/u/cat.png']);
  const saveTargets = new Set<string>();
  const dispatch = createDispatcher({
    'version:image': async () => ({ bytes: new Uint8Array([64, 48]), mime: 'image/png' }),
    'version:checkout': async ({ versionId }) => (current = { ...current, head: versionId }),
    'version:diff': async () => ({
      changedFraction: 0.5,
      maskPng: new Uint8Array([64, 48]),
      width: 64,
      height: 48,
    }),
    'version:export': async ({ format }) => ({
      bytes: EXPORTED,
      fileName: `a.${format}`,
      mime: `image/${format}`,
    }),
    'edit:run': async ({ parentId }) => {
      const id = `e${++edits}`;
      current = { ...current, head: id, versions: [...current.versions, version(id, parentId, 10 + edits)] };
      return { project: current, versionId: id };
    },
    'job:cancel': async () => ({ cancelled: true }),
    'project:open': async ({ path }) => ({
      ...branchedTree('c'),
      projectId: 'p2',
      path,
      report: { source: 'primary' as const, migratedFrom: null, issues: [], unsavedEdits: 0 },
    }),
    'shell:readPicked': async ({ path }) => {
      if (!picked.has(path))
        throw new CodedError('NOT_FOUND', 'other.png is not an image opened in this window');
      return { name: 'cat.png', bytes: PICKED };
    },
    'shell:writeExport': async ({ path, bytes }) => {
      if (!saveTargets.delete(path))
        throw new CodedError('NOT_FOUND', 'out.png was not picked in a save dialog');
      written.set(path, bytes);
      return { path };
    },
  });
  const transport: RawTransport = {
    send: (method, params) => {
      calls.push({ method, params: params as Record<string, unknown> });
      return dispatch(method, params);
    },
    subscribe: () => () => undefined,
    subscribePreview: () => () => undefined,
  };
  const client = createContractClient(transport);
  const store = createAppStore();
  store.getState().setViewport({ width: 800, height: 600 });
  const downloads: { fileName: string; bytes: Uint8Array }[] = [];
  const editor = createEditor({
    client,
    store,
    images: new ImageRegistry<FakeBitmap>(),
    decode: async (bytes) => new FakeBitmap(bytes[0]!, bytes[1]!),
    preview: new PreviewSink(),
    rasterizeMask: async () => new Uint8Array([1, 2, 3]),
    download: (bytes, fileName) => void downloads.push({ fileName, bytes }),
    undoWindowMs: 60_000,
  });
  const opened: { name: string; bytes: Uint8Array }[] = [];
  const openImage = async (file: OpenableFile) => {
    opened.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    return true;
  };
  const panels = createPanels();
  let sheets = 0;
  const shell = createShellHandlers({
    store,
    editor,
    client,
    openImage,
    panels,
    showShortcuts: () => void sheets++,
  });
  await editor.showProject({ ...branchedTree('b'), path: '/p' });
  calls.length = 0;
  const sent = (method: string) => calls.filter((c) => c.method === method);
  const run = (id: ShellCommand['id'], path?: string) => shell.runCommand(path ? { id, path } : { id });
  return {
    store,
    s: () => store.getState(),
    editor,
    shell,
    run,
    calls,
    sent,
    panels,
    sheets: () => sheets,
    opened,
    downloads,
    written,
    saveTargets,
  };
}

describe('menu commands in the page', () => {
  it('has an action for every table id main sends the page', () => {
    const pageIds = SHORTCUTS.map((s) => s.id).filter(
      (id): id is PageCommandId => !(MAIN_ONLY_COMMANDS as readonly string[]).includes(id),
    );
    expect(pageIds.length).toBeGreaterThan(15);
    // Each id is proved by a test below; this list is the table's, so a new id shows up here.
    expect(pageIds.sort()).toEqual(
      [
        'exportPng',
        'exportJpeg',
        'exportWebp',
        'undo',
        'redo',
        'zoomIn',
        'zoomOut',
        'zoomFit',
        'zoomActual',
        'compare',
        'toggleVersions',
        'toggleEdit',
        'run',
        'cancel',
        'variations',
        'toolMove',
        'toolBox',
        'toolBrush',
        'toolErase',
        'toolLasso',
        'toolText',
        'shortcuts',
      ].sort(),
    );
  });

  it('zooms the view by the key steps, fits and shows 100 %', async () => {
    const h = await setup();
    const fit = h.s().view.scale;
    await h.run('zoomIn');
    expect(h.s().view.scale).toBeCloseTo(fit * 1.25, 6);
    await h.run('zoomOut');
    expect(h.s().view.scale).toBeCloseTo(fit, 6);
    await h.run('zoomActual');
    expect(h.s().view.scale).toBe(1);
    await h.run('zoomFit');
    expect(h.s().viewMode).toBe('fit');
    expect(h.s().view.scale).toBeCloseTo(fit, 6);
  });

  it('picks tools, toggles the panels and opens the shortcuts sheet', async () => {
    const h = await setup();
    const tools = {
      toolBox: 'box',
      toolBrush: 'brush',
      toolErase: 'erase',
      toolLasso: 'lasso',
      toolText: 'text',
      toolMove: 'navigate',
    };
    for (const [id, tool] of Object.entries(tools)) {
      await h.run(id as ShellCommand['id']);
      expect(h.s().tool).toBe(tool);
    }
    await h.run('toggleVersions');
    expect(h.panels.getState()).toMatchObject({ versions: false, edit: true });
    await h.run('toggleEdit');
    await h.run('toggleVersions');
    expect(h.panels.getState()).toMatchObject({ versions: true, edit: false });
    await h.run('shortcuts');
    expect(h.sheets()).toBe(1);
  });

  it('compares the viewed version with its parent, and leaves the comparison on the second click', async () => {
    const h = await setup();
    await h.run('compare');
    expect(h.s()).toMatchObject({ compareMode: 'slider', compareA: 'a', compareB: 'b' });
    expect(h.sent('version:diff')).toHaveLength(1);
    await h.run('compare');
    expect(h.s().compareMode).toBe('off');
    // The root has no parent: nothing to compare with.
    await h.editor.showVersion('root');
    await h.run('compare');
    expect(h.s().compareMode).toBe('off');
  });

  it('runs the edit, and Variations… runs several seeds into the grid', async () => {
    const h = await setup();
    h.s().setPrompt('make it purple');
    await h.run('run');
    expect(h.sent('edit:run')).toHaveLength(1);
    expect(h.sent('edit:run')[0]!.params).toMatchObject({ parentId: 'b' });
    await h.run('variations');
    expect(h.s().batchCount).toBe(MENU_VARIATIONS);
    expect(h.sent('edit:run')).toHaveLength(1 + MENU_VARIATIONS);
    expect(h.s().variations?.ids).toHaveLength(MENU_VARIATIONS);
  });

  it('cancels a running edit, and otherwise leaves a comparison', async () => {
    const h = await setup();
    h.s().startJob('job-x', 'b', 4);
    await h.run('cancel');
    expect(h.sent('job:cancel').map((c) => c.params)).toEqual([{ jobId: 'job-x' }]);
    h.s().endJob();
    h.s().startCompare('slider', 'a', 'b');
    await h.run('cancel');
    expect(h.s().compareMode).toBe('off');
    expect(h.sent('job:cancel')).toHaveLength(1);
  });

  it('undoes and redoes the version history', async () => {
    const h = await setup();
    await h.editor.makeHead('c');
    await h.run('undo');
    expect(h.sent('version:checkout').map((c) => c.params.versionId)).toEqual(['c', 'b']);
    await h.run('redo');
    expect(h.sent('version:checkout').map((c) => c.params.versionId)).toEqual(['c', 'b', 'c']);
  });

  it('exports the viewed version to the path the save dialog picked, or downloads it without one', async () => {
    const h = await setup();
    h.saveTargets.add('/out/out.jpg');
    await h.run('exportJpeg', '/out/out.jpg');
    expect(h.sent('version:export').map((c) => c.params)).toEqual([
      { projectId: 'p1', versionId: 'b', format: 'jpeg' },
    ]);
    expect(h.written.get('/out/out.jpg')).toEqual(EXPORTED);
    expect(h.s().notices.at(-1)).toMatchObject({
      tone: 'info',
      title: 'Exported',
      message: 'Saved as out.jpg.',
    });

    await h.run('exportWebp');
    expect(h.downloads).toEqual([{ fileName: 'a.webp', bytes: EXPORTED }]);
  });

  it('says why an export could not be written, and writes nothing', async () => {
    const h = await setup();
    await h.run('exportPng', '/out/out.png');
    expect(h.written.size).toBe(0);
    expect(h.s().notices.at(-1)).toMatchObject({
      tone: 'error',
      title: "Couldn't export",
      message: 'out.png was not picked in a save dialog',
    });
  });

  it('leaves the items main answers itself alone', async () => {
    const h = await setup();
    for (const id of MAIN_ONLY_COMMANDS) await h.run(id);
    expect(h.calls).toEqual([]);
  });
});

describe('keys only the menus bind', () => {
  const key = (
    k: string,
    mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
  ) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });

  it('are Ctrl/Cmd+1 and Ctrl/Cmd+2 for the panels, and nothing the page binds itself', () => {
    expect(menuOnlyKeyCommand(key('1', { ctrlKey: true }))).toBe('toggleVersions');
    expect(menuOnlyKeyCommand(key('2', { metaKey: true }))).toBe('toggleEdit');
    // A plain 1 is the page's 100 % zoom; Ctrl+Z its undo.
    expect(menuOnlyKeyCommand(key('1'))).toBeNull();
    expect(menuOnlyKeyCommand(key('z', { ctrlKey: true }))).toBeNull();
  });
});

describe('opening what the shell picked', () => {
  it('reads a picked image through main and opens its bytes', async () => {
    const h = await setup();
    await h.shell.open({ kind: 'image', path: '/home/u/cat.png' });
    expect(h.sent('shell:readPicked').map((c) => c.params)).toEqual([{ path: '/home/u/cat.png' }]);
    expect(h.opened).toEqual([{ name: 'cat.png', bytes: PICKED }]);
  });

  it('reports an image main will not read, and keeps what is open', async () => {
    const h = await setup();
    await h.shell.open({ kind: 'image', path: 'C:\\Users\\u\\other.png' });
    expect(h.opened).toEqual([]);
    expect(h.s().notices.at(-1)).toMatchObject({
      tone: 'error',
      title: "Couldn't open other.png",
      message: 'other.png is not an image opened in this window',
    });
    expect(h.s().project?.projectId).toBe('p1');
  });

  it('opens a picked project folder by its path', async () => {
    const h = await setup();
    await h.shell.open({ kind: 'project', path: '/home/u/projects/rabbit' });
    expect(h.sent('project:open').map((c) => c.params)).toEqual([{ path: '/home/u/projects/rabbit' }]);
    expect(h.s().project).toMatchObject({ projectId: 'p2', head: 'c' });
  });
});
