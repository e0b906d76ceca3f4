import { describe, expect, it } from 'vitest';
import { createContractClient, type RawTransport } from '../../../electron/shared/client';
import type { EditSettings } from '../../../electron/shared/contract';
import { createDispatcher } from '../../../electron/shared/dispatcher';
import type { ProjectTree } from '../../../electron/shared/projectSchemas';
import { CodedError } from '../../../electron/shared/result';
import { createAppStore } from '../state/appStore';
import { branchedTree, version } from '../testing/testTree';
import { PreviewSink } from '../ui/previewSink';
import { ImageRegistry } from '../ui/imageRegistry';
import { FakeBitmap } from '../testing/fakeBitmap';
import { createEditor } from './Editor';

/**
 * An app side over the real dispatcher (params and results validated by the contract) that keeps one tree in
 * memory and records the requests it gets. `edit:run` answers as `answerEdit` says.
 */
function setup(initial: ProjectTree = branchedTree()) {
  let current = initial;
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const emit = (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload));
  const edit: { answer: (settings: EditSettings, jobId: string) => Promise<ProjectTree> } = {
    answer: async () => {
      throw new CodedError('INTERNAL', 'not set');
    },
  };
  const dispatch = createDispatcher({
    'version:image': async () => ({ bytes: new Uint8Array([64, 48]), mime: 'image/png' }),
    'version:checkout': async ({ versionId }) => (current = { ...current, head: versionId }),
    'version:label': async ({ versionId, label }) =>
      (current = {
        ...current,
        versions: current.versions.map((v) => (v.id === versionId ? { ...v, label } : v)),
      }),
    'version:deleteBranch': async ({ versionId }) => {
      const doomed = new Set([versionId]);
      for (const v of current.versions) if (v.parentId && doomed.has(v.parentId)) doomed.add(v.id);
      return (current = { ...current, versions: current.versions.filter((v) => !doomed.has(v.id)) });
    },
    'edit:run': async ({ jobId, settings }) => {
      current = await edit.answer(settings, jobId);
      return { project: current, versionId: current.head };
    },
    'job:cancel': async () => ({ cancelled: true }),
    // A kept edit (after DISK_FULL) becomes version "k" under the head.
    'edit:saveAgain': async () => {
      current = { ...current, head: 'k', versions: [...current.versions, version('k', current.head, 9)] };
      return { project: current, versionIds: ['k'] };
    },
    'project:open': async ({ path }) => ({
      ...current,
      path,
      report: {
        source: 'journal' as const,
        migratedFrom: null,
        issues: ['project.json is damaged (empty file).', 'Recovered save #7 from project.json.journal.'],
        unsavedEdits: 0,
      },
    }),
  });
  const transport: RawTransport = {
    send: (method, params) => {
      calls.push({ method, params: params as Record<string, unknown> });
      return dispatch(method, params);
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    subscribePreview: () => () => undefined,
  };
  const store = createAppStore();
  store.getState().setViewport({ width: 800, height: 600 });
  const preview = new PreviewSink();
  const editor = createEditor({
    client: createContractClient(transport),
    store,
    images: new ImageRegistry<FakeBitmap>(),
    decode: async (bytes) => new FakeBitmap(bytes[0]!, bytes[1]!),
    preview,
    rasterizeMask: async () => new Uint8Array([1, 2, 3]),
    undoWindowMs: 60_000,
    newJobId: () => 'job-1',
  });
  const sent = (method: string) => calls.filter((c) => c.method === method);
  return { store, editor, calls, sent, emit, edit, preview, tree: () => current };
}

describe('Editor', () => {
  it('opens a project on its head, and views another version without moving the head', async () => {
    const { store, editor, sent } = setup();
    await editor.showProject({ ...branchedTree(), path: '/p' });
    expect(store.getState().image).toMatchObject({ id: 'p1/b', width: 64, height: 48 });
    await editor.showVersion('c');
    expect(store.getState()).toMatchObject({ viewedId: 'c', project: { head: 'b' }, image: { id: 'p1/c' } });
    expect(sent('version:image')).toHaveLength(2);
    await editor.showVersion('b');
    expect(sent('version:image')).toHaveLength(2); // decoded once, kept
  });

  it('rolls the head back and forth, undoably, through version:checkout', async () => {
    const { store, editor, sent } = setup();
    await editor.showProject({ ...branchedTree(), path: '/p' });
    await editor.makeHead('root');
    expect(store.getState().project?.head).toBe('root');
    await editor.undo();
    expect(store.getState().project?.head).toBe('b');
    await editor.redo();
    expect(store.getState().project?.head).toBe('root');
    expect(sent('version:checkout').map((c) => c.params.versionId)).toEqual(['root', 'b', 'root']);
  });

  it('applies project:changed events for the open project only', async () => {
    const { store, editor, emit } = setup();
    await editor.showProject({ ...branchedTree(), path: '/p' });
    emit('project:changed', { ...branchedTree('c'), name: 'renamed' });
    expect(store.getState().project).toMatchObject({ head: 'c', name: 'renamed', path: '/p' });
    emit('project:changed', { ...branchedTree('a'), projectId: 'other' });
    expect(store.getState().project?.head).toBe('c');
  });

  it('labels undoably', async () => {
    const { store, editor } = setup();
    await editor.showProject({ ...branchedTree(), path: '/p' });
    await editor.setLabel('a', '  first try ');
    expect(store.getState().project?.versions.find((v) => v.id === 'a')?.label).toBe('first try');
    await editor.undo();
    expect(store.getState().project?.versions.find((v) => v.id === 'a')?.label).toBeNull();
  });

  it('deletes a branch only after the undo window; undo in the window brings it (and the head) back', async () => {
    const { store, editor, sent } = setup();
    await editor.showProject({ ...branchedTree(), path: '/p' });
    // The head (b) is inside a's branch: the head moves to a's parent first.
    await editor.deleteBranch('a');
    expect(store.getState().hiddenBranches).toEqual(['a']);
    expect(store.getState().project?.head).toBe('root');
    expect(sent('version:deleteBranch')).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.action?.label).toBe('Undo');
    await editor.undo();
    expect(store.getState().hiddenBranches).toEqual([]);
    expect(store.getState().project?.head).toBe('b');
    expect(sent('version:deleteBranch')).toHaveLength(0);

    await editor.deleteBranch('c');
    await editor.commitPendingDeletes();
    expect(sent('version:deleteBranch').map((c) => c.params.versionId)).toEqual(['c']);
    expect(store.getState().project?.versions.map((v) => v.id)).toEqual(['root', 'a', 'b']);
    // Once deleted on disk there is nothing left to undo for it.
    expect(store.getState().past.some((e) => e.kind === 'delete')).toBe(false);
    await editor.deleteBranch('root');
    expect(store.getState().notices.at(-1)?.title).toBe("The original can't be deleted");
  });

  it('runs an edit of the viewed version: progress, then the new version is shown; the seed rolls unless locked', async () => {
    const h = setup();
    await h.editor.showProject({ ...branchedTree(), path: '/p' });
    await h.editor.showVersion('root'); // editing an older version starts a branch
    const s = () => h.store.getState();
    s().setPrompt('make it blue');
    s().setSteps(4);
    s().setSeed(42);
    h.edit.answer = async (settings, jobId) => {
      h.emit('job:progress', { jobId, step: 2, total: 4, elapsedMs: 900 });
      expect(s().progress?.step).toBe(2);
      expect(s().jobStatus).toBe('running');
      return { ...h.tree(), head: 'd', versions: [...h.tree().versions, version('d', 'root', 4)] };
    };
    expect(await h.editor.run()).toBe(true);
    const sentRun = h.sent('edit:run')[0]!.params;
    expect(sentRun).toMatchObject({ parentId: 'root', jobId: 'job-1' });
    expect(sentRun.settings).toMatchObject({
      prompt: 'make it blue',
      seed: 42,
      steps: 4,
      cfg: 4,
      region: null,
    });
    expect(s()).toMatchObject({
      jobStatus: 'idle',
      viewedId: 'd',
      project: { head: 'd' },
      recentPrompts: ['make it blue'],
    });
    expect(s().image?.id).toBe('p1/d');
    expect(s().seed).not.toBe(42);

    // With the seed locked and a box region, the next run sends both as they are.
    s().setSeed(42);
    s().setSeedLocked(true);
    s().setBox({ x: 1, y: 2, width: 10, height: 8 });
    await h.editor.run();
    expect(h.sent('edit:run')[1]!.params.settings).toMatchObject({
      seed: 42,
      region: { kind: 'box', x: 1, y: 2, width: 10, height: 8 },
      feather: 8,
    });
    expect(s().seed).toBe(42);
    // A brushed stroke makes it a mask.
    s().addStroke({ mode: 'paint', radius: 3, points: [5, 5] });
    await h.editor.run();
    expect(h.sent('edit:run')[2]!.params.settings).toMatchObject({
      region: { kind: 'mask', png: new Uint8Array([1, 2, 3]) },
    });
  });

  it('a cancelled run changes nothing and leaves the UI ready; a failed one offers Retry with the same settings', async () => {
    const h = setup();
    await h.editor.showProject({ ...branchedTree(), path: '/p' });
    const before = h.store.getState().project;
    h.store.getState().setPrompt('slow edit');
    let release = () => undefined as void;
    h.edit.answer = async () => {
      await new Promise<void>((r) => (release = r));
      throw new CodedError('CANCELLED', 'cancelled at step 2');
    };
    const running = h.editor.run();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(h.store.getState().jobStatus).toBe('running');
    await h.editor.cancel();
    expect(h.store.getState().jobStatus).toBe('cancelling');
    expect(h.sent('job:cancel')[0]?.params).toEqual({ jobId: 'job-1' });
    release();
    expect(await running).toBe(false);
    expect(h.store.getState()).toMatchObject({ jobStatus: 'idle', lastFailure: null });
    expect(h.store.getState().project).toEqual(before);
    expect(h.store.getState().notices.at(-1)?.title).toBe('Edit cancelled');
    expect(h.preview.latest).toBeNull();

    h.edit.answer = async () => {
      throw new CodedError('ENGINE_CRASHED', 'the engine stopped unexpectedly');
    };
    await h.editor.run();
    expect(h.store.getState().lastFailure?.error).toEqual({
      code: 'ENGINE_CRASHED',
      message: 'the engine stopped unexpectedly',
    });
    expect(h.store.getState().notices.at(-1)?.action?.label).toBe('Retry');
    h.edit.answer = async () => ({
      ...h.tree(),
      head: 'd',
      versions: [...h.tree().versions, version('d', 'b', 5)],
    });
    h.store.getState().setPrompt('something else');
    expect(await h.editor.retry()).toBe(true);
    const [failed, retried] = h.sent('edit:run').slice(-2);
    expect(retried!.params.settings).toEqual(failed!.params.settings);
    expect(h.store.getState().project?.head).toBe('d');
  });

  it('an edit the disk had no room for is offered to be saved again, not run again', async () => {
    const h = setup();
    await h.editor.showProject({ ...branchedTree(), path: '/p' });
    h.store.getState().setPrompt('full disk');
    h.edit.answer = async () => {
      throw new CodedError('DISK_FULL', 'The disk is full: the edit finished but could not be saved.');
    };
    expect(await h.editor.run()).toBe(false);
    expect(h.store.getState()).toMatchObject({ jobStatus: 'idle', lastFailure: null });
    const notice = h.store.getState().notices.at(-1)!;
    expect([notice.title, notice.action?.label]).toEqual(["The edit wasn't saved", 'Save again']);
    notice.action!.run();
    await new Promise((r) => setTimeout(r, 0));
    expect(h.sent('edit:saveAgain').map((c) => c.params)).toEqual([{ projectId: 'p1' }]);
    expect(h.sent('edit:run')).toHaveLength(1);
    expect(h.store.getState().project?.head).toBe('k');
  });

  it('opening a recent project that needed repair says what was found', async () => {
    const h = setup();
    await h.editor.openRecent('/p');
    const notice = h.store.getState().notices.at(-1)!;
    expect(notice).toMatchObject({ tone: 'error', title: 'This project was damaged' });
    expect(notice.message).toBe(
      'project.json is damaged (empty file). Recovered save #7 from project.json.journal.',
    );
  });

  it('refuses to run without an instruction', async () => {
    const h = setup();
    await h.editor.showProject({ ...branchedTree(), path: '/p' });
    h.store.getState().setPrompt('   ');
    expect(await h.editor.run()).toBe(false);
    expect(h.sent('edit:run')).toHaveLength(0);
  });
});

describe('ImageRegistry', () => {
  it('keeps the most recent images up to its capacity, never evicting pinned ones', () => {
    const images = new ImageRegistry<FakeBitmap>(2);
    const a = new FakeBitmap(1, 1);
    const b = new FakeBitmap(1, 1);
    const c = new FakeBitmap(1, 1);
    images.put('a', a);
    images.pin(['a']);
    images.put('b', b);
    images.put('c', c);
    expect([a.closed, b.closed, c.closed]).toEqual([false, true, false]);
    expect(images.get('a')).toBe(a);
    images.replaceAll('c', c);
    expect(a.closed).toBe(true);
    expect(images.has('c')).toBe(true);
  });
});
