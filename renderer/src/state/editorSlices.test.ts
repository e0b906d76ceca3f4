import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { defaultComparePair } from './compareSlice';
import { MAX_HISTORY } from './historySlice';
import { formatDuration, progressFigures, stageText } from './jobSlice';
import {
  DEMO_AREA,
  MAX_RECENT_PROMPTS,
  MAX_SEED,
  randomSeed,
  resolveOutputSize,
  sizeForArea,
} from './paramsSlice';
import { selectLastRunModel, subtreeIds, treeRows, versionDetail } from './projectSlice';
import {
  boxFromPoints,
  EMPTY_REGION,
  GROW_RANGE,
  hasRegion,
  needsMaskImage,
  scaleRegion,
} from './regionSlice';
import { composeTextInstruction, containsCjk } from './toolSlice';
import { BATCH_RANGE } from './variationsSlice';
import { branchedTree, recipe, tree, version } from '../testing/testTree';

describe('params slice', () => {
  it('starts at the official defaults: 50 steps, CFG 4, a random seed in range', () => {
    const s = createAppStore().getState();
    expect(s.steps).toBe(50);
    expect(s.cfg).toBe(4);
    expect(s.seed).toBeGreaterThanOrEqual(0);
    expect(s.seed).toBeLessThanOrEqual(MAX_SEED);
    expect(randomSeed(() => 0.999999999999)).toBeLessThanOrEqual(MAX_SEED);
  });

  it('clamps CFG to 1–30 (one decimal), steps to 1–150 and the seed to 32 bits', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setCfg(31);
    expect(s().cfg).toBe(30);
    s().setCfg(0.2);
    expect(s().cfg).toBe(1);
    s().setCfg(3.14159);
    expect(s().cfg).toBe(3.1);
    s().setSteps(0);
    expect(s().steps).toBe(1);
    s().setSteps(400);
    expect(s().steps).toBe(150);
    s().setSteps(Number.NaN);
    expect(s().steps).toBe(1);
    s().setSeed(2 ** 40);
    expect(s().seed).toBe(MAX_SEED);
    s().setSeed(-5);
    expect(s().seed).toBe(0);
  });

  it('applies presets and restores a recipe with its seed locked', () => {
    const store = createAppStore();
    store.getState().applyPreset('fast');
    expect(store.getState().steps).toBe(20);
    store.getState().applyPreset('quality');
    expect(store.getState()).toMatchObject({ steps: 50, cfg: 4 });
    store
      .getState()
      .applyRecipe({ ...recipe('make it red', 99), negativePrompt: 'blurry', steps: 12, cfg: 2.5 });
    expect(store.getState()).toMatchObject({
      prompt: 'make it red',
      negativePrompt: 'blurry',
      negativeOpen: true,
      seed: 99,
      seedLocked: true,
      steps: 12,
      cfg: 2.5,
      sizeMode: 'custom',
      customSize: { width: 64, height: 48 },
    });
  });

  it('keeps recent prompts newest first, without duplicates or blanks, bounded', () => {
    const store = createAppStore();
    for (let i = 0; i < MAX_RECENT_PROMPTS + 3; i++) store.getState().rememberPrompt(`p${i}`);
    store.getState().rememberPrompt('p5');
    store.getState().rememberPrompt('   ');
    const recent = store.getState().recentPrompts;
    expect(recent).toHaveLength(MAX_RECENT_PROMPTS);
    expect(recent[0]).toBe('p5');
    expect(recent.filter((p) => p === 'p5')).toHaveLength(1);
  });

  it('picks the output size: ≈1 MP (null) for the real model, a small one for the demo, multiples of 16', () => {
    const src = { width: 1000, height: 750 };
    expect(resolveOutputSize('auto', { width: 1, height: 1 }, src, false)).toBeNull();
    const demo = resolveOutputSize('auto', { width: 1, height: 1 }, src, true)!;
    expect(demo.width % 16).toBe(0);
    expect(demo.height % 16).toBe(0);
    expect(demo.width * demo.height).toBeLessThanOrEqual(DEMO_AREA);
    expect(demo.width / demo.height).toBeCloseTo(4 / 3, 1);
    // A source smaller than the demo budget stays at its own size.
    expect(resolveOutputSize('auto', { width: 1, height: 1 }, { width: 128, height: 96 }, true)).toEqual({
      width: 128,
      height: 96,
    });
    // Same as source: the model runs at its own size (as auto) and the result is pasted back at the source's.
    expect(
      resolveOutputSize('source', { width: 1, height: 1 }, { width: 1001, height: 751 }, false),
    ).toBeNull();
    expect(resolveOutputSize('source', { width: 1, height: 1 }, src, true)).toEqual(demo);
    expect(resolveOutputSize('custom', { width: 130, height: 5000 }, null, false)).toEqual({
      width: 128,
      height: 4096,
    });
    expect(sizeForArea({ width: 100, height: 100 }, 512 * 512)).toEqual({ width: 512, height: 512 });
  });
});

describe('project slice', () => {
  it('lays the tree out depth-first, a branch right under the version it grew from', () => {
    const rows = treeRows(branchedTree());
    expect(rows.map((r) => [r.node.id, r.depth, r.branch, r.isHead])).toEqual([
      ['root', 0, false, false],
      ['a', 1, false, false],
      ['b', 2, false, true],
      ['c', 1, true, false],
    ]);
    expect(rows[0]!.childCount).toBe(2);
    expect(rows.map((r) => `${r.sibling.index}/${r.sibling.count}`)).toEqual(['1/1', '1/2', '1/1', '2/2']);
  });

  it('tells sibling versions apart by seed, time and their place among the siblings', () => {
    const rows = treeRows(branchedTree());
    const time = (iso: string) => iso.slice(11, 19);
    const details = rows.map((r) => versionDetail(r, time));
    const [a, c] = [rows[1]!, rows[3]!];
    expect(details[1]).toBe(
      `seed ${a.node.recipe!.seed} · ${a.node.recipe!.steps} steps · CFG ${a.node.recipe!.cfg} · ${time(a.node.createdAt)} · 1 of 2`,
    );
    expect(details[3]).toContain(`${time(c.node.createdAt)} · 2 of 2`);
    expect(details[2]).not.toContain(' of ');
    expect(details[0]).toMatch(/^original · \d+×\d+ · /);
    expect(new Set(details).size).toBe(details.length);
  });

  it('hides a branch (and its descendants) while its deletion can be undone', () => {
    const rows = treeRows(branchedTree(), ['a']);
    expect(rows.map((r) => r.node.id)).toEqual(['root', 'c']);
    expect(rows[0]!.childCount).toBe(1);
    expect([...subtreeIds(branchedTree(), 'a')].sort()).toEqual(['a', 'b']);
  });

  it('names the precision and provider the newest edit ran with', () => {
    const store = createAppStore();
    expect(selectLastRunModel(store.getState())).toBeNull();
    const t = branchedTree();
    const versions = t.versions.map((v) =>
      v.id === 'c' ? { ...v, recipe: { ...v.recipe!, options: { precision: 'fp32', provider: 'cpu' } } } : v,
    );
    store.getState().openProject({ ...t, versions, path: '/p' });
    expect(selectLastRunModel(store.getState())).toBe('fp32 · cpu');
  });

  it('lays out a chain of 5,000 edits without recursion', () => {
    const versions = [version('v0', null, 0)];
    for (let i = 1; i < 5000; i++) versions.push(version(`v${i}`, `v${i - 1}`, 1));
    const rows = treeRows(tree(versions, 'v4999'));
    expect(rows).toHaveLength(5000);
    expect(rows.at(-1)!.depth).toBe(4999);
  });

  it('opens on the head, keeps the viewed version across tree updates, falls back to the head when it goes', () => {
    const store = createAppStore();
    store.getState().openProject({ ...branchedTree(), path: '/p' });
    expect(store.getState().viewedId).toBe('b');
    store.getState().viewVersion('c');
    store.getState().viewVersion('nope');
    expect(store.getState().viewedId).toBe('c');
    store.getState().updateTree(branchedTree('a'));
    expect(store.getState()).toMatchObject({ viewedId: 'c', project: { head: 'a', path: '/p' } });
    store.getState().hideBranch('c');
    store.getState().updateTree(tree([version('root', null, 0), version('a', 'root', 1)], 'a'));
    expect(store.getState().viewedId).toBe('a');
    expect(store.getState().hiddenBranches).toEqual([]);
    // Another project's tree is not applied to this one.
    store.getState().updateTree(tree([version('x', null, 0)], 'x', 'other'));
    expect(store.getState().project?.projectId).toBe('p1');
  });
});

describe('job slice', () => {
  it('follows its own job only, and the UI is ready again when it ends', () => {
    const store = createAppStore();
    store.getState().startJob('j1', 'root', 4);
    store.getState().applyProgress({ jobId: 'other', step: 3, total: 4, elapsedMs: 10 });
    expect(store.getState().progress?.step).toBe(0);
    store.getState().applyProgress({ jobId: 'j1', step: 1, total: 4, elapsedMs: 3000 });
    store.getState().applyProgress({ jobId: 'j1', step: 3, total: 4, elapsedMs: 4000 });
    expect(store.getState().progress).toEqual({
      step: 3,
      total: 4,
      elapsedMs: 4000,
      firstStepMs: 3000,
      stage: 'denoising',
    });
    store.getState().requestCancel();
    expect(store.getState().jobStatus).toBe('cancelling');
    store.getState().endJob();
    expect(store.getState()).toMatchObject({ jobStatus: 'idle', jobId: null, progress: null });
    store.getState().applyProgress({ jobId: 'j1', step: 4, total: 4, elapsedMs: 5000 });
    expect(store.getState().progress).toBeNull();
  });

  it('names the stage before the first step (loading, encoding) and after the last (decoding), not "Step 0"', () => {
    const store = createAppStore();
    store.getState().startJob('j1', 'root', 50);
    const progress = () => store.getState().progress;
    expect(stageText(progress(), true)).toBe('Waiting for the edits before it…');
    expect(stageText(progress(), false)).toBe('Starting…');
    store.getState().applyProgress({ jobId: 'j1', step: 0, total: 50, elapsedMs: 0, stage: 'loading-model' });
    expect(stageText(progress(), false)).toBe('Loading the model (the first edit only)…');
    store.getState().applyProgress({ jobId: 'j1', step: 0, total: 50, elapsedMs: 0, stage: 'encoding' });
    expect(stageText(progress(), false)).toBe('Encoding the prompt and image…');
    store.getState().applyProgress({ jobId: 'j1', step: 1, total: 50, elapsedMs: 900, stage: 'denoising' });
    expect(stageText(progress(), false)).toBeNull();
    store.getState().applyProgress({ jobId: 'j1', step: 50, total: 50, elapsedMs: 9000 });
    store.getState().applyProgress({ jobId: 'j1', step: 50, total: 50, elapsedMs: 9000, stage: 'decoding' });
    expect(stageText(progress(), false)).toBe('Decoding the result…');
    // The step figures are the last denoising step's, whatever stage followed.
    expect(progress()).toMatchObject({ step: 50, elapsedMs: 9000, firstStepMs: 900 });
  });

  it('derives s/step from the steps after the first (which also encodes the prompt), and the ETA', () => {
    const f = progressFigures({
      step: 3,
      total: 10,
      elapsedMs: 4000,
      firstStepMs: 3000,
      stage: 'denoising',
    })!;
    expect(f.secondsPerStep).toBeCloseTo(0.5, 9);
    expect(f.etaSeconds).toBeCloseTo(3.5, 9);
    expect(f.fraction).toBeCloseTo(0.3, 9);
    expect(
      progressFigures({ step: 0, total: 10, elapsedMs: 0, firstStepMs: null, stage: null })!.etaSeconds,
    ).toBeNull();
    expect(formatDuration(3.25)).toBe('3.3 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
  });
});

describe('compare slice', () => {
  it('compares the viewed version with its parent by default, and clamps the slider', () => {
    const store = createAppStore();
    store.getState().openProject({ ...branchedTree(), path: '/p' });
    expect(defaultComparePair(store.getState())).toEqual({ a: 'a', b: 'b' });
    store.getState().viewVersion('root');
    expect(defaultComparePair(store.getState())).toBeNull();
    store.getState().startCompare('slider', 'a', 'b');
    store.getState().setComparePosition(1.7);
    expect(store.getState().comparePosition).toBe(1);
    store.getState().setShowDiff(true);
    store.getState().stopCompare();
    expect(store.getState()).toMatchObject({ compareMode: 'off', showDiff: false });
  });
});

describe('region slice and UI history', () => {
  it('rescales a region to a version of another size, covering the same content in whole pixels', () => {
    const region = {
      box: { x: 40, y: 30, width: 101, height: 81 },
      strokes: [{ mode: 'paint' as const, radius: 8, points: [10, 20, 30, 40] }],
    };
    // 256×192 → 128×96: the box's edges at 40..141 × 30..111 land on 20..70.5 × 15..55.5, grown to 71 × 56.
    expect(scaleRegion(region, 0.5, 0.5)).toEqual({
      box: { x: 20, y: 15, width: 51, height: 41 },
      strokes: [{ mode: 'paint', radius: 4, points: [5, 10, 15, 20] }],
    });
    // Non-uniform: x by 2, y by 1.5 (points alternate x, y; the radius by the area's scale).
    expect(scaleRegion(region, 2, 1.5)).toEqual({
      box: { x: 80, y: 45, width: 202, height: 122 },
      strokes: [{ mode: 'paint', radius: 8 * Math.sqrt(3), points: [20, 30, 60, 60] }],
    });
    expect(scaleRegion(EMPTY_REGION, 2, 2)).toEqual(EMPTY_REGION);
  });

  it('grows, shrinks and inverts a region (undoable, clamped); anything but a plain box needs a mask image', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setBox({ x: 4, y: 4, width: 8, height: 8 });
    expect(needsMaskImage(s().region)).toBe(false);
    s().setMaskVisible(false);
    s().setRegionOptions({ grow: 6.4 });
    expect(s().region.grow).toBe(6);
    expect(s().maskVisible).toBe(true); // a change the user makes shows the region again
    expect(needsMaskImage(s().region)).toBe(true);
    s().setRegionOptions({ grow: -1000, invert: true });
    expect(s().region).toMatchObject({ grow: GROW_RANGE.min, invert: true });
    s().takeUndo();
    expect(s().region).toMatchObject({ grow: 6 });
    expect(s().region.invert).toBeUndefined();
    // Grown by 6 px on an image twice the size is grown by 12 there.
    expect(scaleRegion(s().region, 2, 2).grow).toBe(12);
    const lasso = { mode: 'paint' as const, radius: 0, points: [0, 0, 9, 0, 0, 9], shape: 'lasso' as const };
    expect(hasRegion({ box: null, strokes: [lasso] })).toBe(true);
    expect(needsMaskImage({ box: null, strokes: [lasso] })).toBe(true);
    const base = { png: new Uint8Array([1]), width: 4, height: 4 };
    expect(hasRegion({ box: null, strokes: [], base })).toBe(true);
    expect(needsMaskImage({ box: { x: 0, y: 0, width: 1, height: 1 }, strokes: [], invert: true })).toBe(
      true,
    );
  });

  it('makes boxes from drag corners, clamped to the image', () => {
    expect(boxFromPoints({ x: 50.5, y: 10.5 }, { x: 10.5, y: 40.2 }, { width: 64, height: 48 })).toEqual({
      x: 10,
      y: 10,
      width: 41,
      height: 31,
    });
    expect(boxFromPoints({ x: -20, y: -20 }, { x: 200, y: 200 }, { width: 64, height: 48 })).toEqual({
      x: 0,
      y: 0,
      width: 64,
      height: 48,
    });
    expect(boxFromPoints({ x: 70, y: 5 }, { x: 90, y: 9 }, { width: 64, height: 48 })).toBeNull();
  });

  it('undoes and redoes strokes and boxes; a new change clears the redo stack', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().addStroke({ mode: 'paint', radius: 4, points: [1, 1, 5, 5] });
    s().setBox({ x: 1, y: 2, width: 3, height: 4 });
    expect(hasRegion(s().region)).toBe(true);
    expect(s().takeUndo()?.kind).toBe('region');
    expect(s().region.box).toBeNull();
    expect(s().region.strokes).toHaveLength(1);
    s().takeUndo();
    expect(s().region).toEqual(EMPTY_REGION);
    expect(s().takeUndo()).toBeNull();
    s().takeRedo();
    expect(s().region.strokes).toHaveLength(1);
    s().addStroke({ mode: 'erase', radius: 4, points: [1, 1] });
    expect(s().future).toEqual([]);
    // Erase strokes alone are no region.
    expect(hasRegion({ box: null, strokes: [{ mode: 'erase', radius: 1, points: [0, 0] }] })).toBe(false);
    s().clearRegion();
    expect(s().region).toEqual(EMPTY_REGION);
    s().takeUndo();
    expect(s().region.strokes).toHaveLength(2);
  });

  it('keeps at most MAX_HISTORY entries and forgets entries that can no longer apply', () => {
    const store = createAppStore();
    for (let i = 0; i < MAX_HISTORY + 5; i++)
      store.getState().recordHistory({ kind: 'head', label: 'h', before: 'a', after: `v${i}` });
    expect(store.getState().past).toHaveLength(MAX_HISTORY);
    store.getState().recordHistory({ kind: 'delete', label: 'd', versionId: 'x', headBefore: 'a' });
    store.getState().forgetHistory((e) => e.kind === 'delete');
    expect(store.getState().past.every((e) => e.kind === 'head')).toBe(true);
  });

  it('composes text instructions in English, or in Chinese when either text is CJK', () => {
    expect(composeTextInstruction('OPEN', 'CLOSED')).toBe('Replace the text "OPEN" with "CLOSED"');
    expect(composeTextInstruction(' 营业 ', '休息')).toBe('将文字"营业"替换为"休息"');
    expect(composeTextInstruction('SALE', '特价')).toBe('将文字"SALE"替换为"特价"');
    expect(composeTextInstruction('', 'NEW')).toBe('Add the text "NEW"');
    expect(composeTextInstruction('旧', '')).toBe('删除文字"旧"');
    expect(composeTextInstruction(' ', '')).toBe('');
    expect(containsCjk('カタカナ')).toBe(true);
    expect(containsCjk('Ünïcode')).toBe(false);
  });

  it('recomposes the text instruction until the user edits it, then keeps their words', () => {
    const store = createAppStore();
    store.getState().setTextFields({ current: 'OPEN', next: 'CLOSED' });
    expect(store.getState().text.instruction).toBe('Replace the text "OPEN" with "CLOSED"');
    store.getState().setInstruction('Replace the sign text "OPEN" with "CLOSED"');
    store.getState().setTextFields({ next: 'SHUT' });
    expect(store.getState().text.instruction).toBe('Replace the sign text "OPEN" with "CLOSED"');
    // Typing back exactly the composed form re-attaches it.
    store.getState().setInstruction('Replace the text "OPEN" with "SHUT"');
    store.getState().setTextFields({ next: 'GONE' });
    expect(store.getState().text.instruction).toBe('Replace the text "OPEN" with "GONE"');
  });
});

describe('variations slice', () => {
  it('clamps the batch count, picks in grid order, and keeps the focus on the grid', () => {
    const store = createAppStore();
    const s = store.getState();
    s.setBatchCount(12);
    expect(store.getState().batchCount).toBe(BATCH_RANGE.max);
    s.setBatchCount(0);
    expect(store.getState().batchCount).toBe(BATCH_RANGE.min);
    s.showVariations('root', ['v1', 'v2', 'v3']);
    s.togglePick('v3');
    s.togglePick('v1');
    s.togglePick('elsewhere');
    expect(store.getState().variations?.picked).toEqual(['v1', 'v3']);
    s.togglePick('v3');
    expect(store.getState().variations?.picked).toEqual(['v1']);
    s.moveFocus(5);
    expect(store.getState().variations?.focus).toBe(2);
    s.moveFocus(-9);
    expect(store.getState().variations?.focus).toBe(0);
    s.closeVariations();
    expect(store.getState().variations).toBeNull();
  });
});
