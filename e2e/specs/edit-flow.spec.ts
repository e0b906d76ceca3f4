/**
 * The editor's main path on the real engine (tiny demo model, CPU): open an image, type an instruction,
 * run 4 steps with live previews drawn on the canvas, see the new version, roll back, branch, compare, and
 * export a PNG whose embedded recipe is the run's.
 */
import { QUADRANTS, quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';
import { distance } from '../pages/StudioPage';

// Big enough that each denoising step takes well over an animation frame on two cores (so steps 1–3 are each
// drawn; the last frame races the final image, which replaces it), small enough to keep the run short.
const W = 512;
const H = 384;

test('open → instruct → run 4 steps with previews → version → rollback → branch → compare → export recipe', async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  await studio.openByFileInput(await quadrantsPng(W, H, 'poster.png'));
  await studio.expectImageShown('poster.png', W, H);
  await expect(studio.versionRows).toHaveCount(1);
  await expect(studio.headRow).toContainText('poster.png');
  const rootId = (await studio.project())!.head;

  const instruction = 'make the sky a purple sunset';
  await studio.instruction.fill(instruction);
  await studio.lockSeed(1234);
  await studio.setRunSettings({ steps: 4 });
  await expect(page.getByTestId('output-size')).toHaveText(`Output: ${W}×${H}`);
  await studio.screenshot('editor-ready');

  // Run from the keyboard, sampling the preview layer's pixels on every animation frame meanwhile.
  await studio.startPreviewSampler();
  // Every text the progress line shows, recorded as the DOM changes: on a fast machine a 4-step run's
  // "Step n/4" can come and go between two polls of an assertion.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __progressTexts: string[] }).__progressTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await studio.instruction.press('Control+Enter');
  await expect(page.getByTestId('progress')).toBeVisible();
  await studio.waitForRunEnd();
  const progressTexts = await page.evaluate(
    () => (window as unknown as { __progressTexts: string[] }).__progressTexts,
  );
  expect(
    progressTexts.some((t) => /Step \d\/4/.test(t)),
    progressTexts.join(' | '),
  ).toBe(true);
  const sampled = await studio.stopPreviewSampler();
  test.info().annotations.push({
    type: 'preview frames',
    description: `${sampled.hashes.length} distinct preview frames drawn (${sampled.samples} animation frames sampled)`,
  });
  console.log(
    `preview frames: ${sampled.hashes.length} distinct drawn, ${sampled.samples} animation frames sampled`,
  );
  expect(sampled.hashes.length).toBeGreaterThanOrEqual(3);

  // The final image replaced the preview: the preview layer is empty, the new version is shown and is the head.
  const previewLeft = await page.evaluate(() => {
    const c = window.__qeTest!.layerCanvas('preview-layer')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) opaque++;
    return opaque;
  });
  expect(previewLeft).toBe(0);
  await expect(studio.versionRows).toHaveCount(2);
  const afterFirst = (await studio.project())!;
  const firstEdit = afterFirst.head;
  expect(firstEdit).not.toBe(rootId);
  expect(afterFirst.viewedId).toBe(firstEdit);
  await expect(studio.headRow).toContainText(instruction);
  await expect(studio.headRow).toContainText('seed 1234 · 4 steps · CFG 4');
  await expect(page.getByTestId('last-run')).toHaveText(/^fp32 · cpu/);
  await studio.screenshot('run-done');

  // Roll back: view the original and make it the head.
  await studio.versionRows.first().click();
  await page.getByRole('button', { name: 'Make head' }).click();
  await expect(studio.headRow).toContainText('poster.png');
  expect((await studio.project())!.head).toBe(rootId);
  await studio.expectImagePixel(W / 4, H / 4, QUADRANTS.topLeft);

  // Edit again from the original: a second child, a branch.
  await studio.instruction.fill('turn the blue area into water');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(3);
  await expect(page.locator('[role=treeitem].branch')).toHaveCount(1);
  await expect(page.locator('[role=treeitem][aria-level="2"]')).toHaveCount(2);
  const branchEdit = (await studio.project())!.head;
  expect(new Set([rootId, firstEdit, branchEdit]).size).toBe(3);
  await studio.screenshot('branch');

  // Compare the branch with its parent: the slider shows the original left of it, the edit right of it.
  const left = { x: W / 4, y: H / 4 };
  const right = { x: (3 * W) / 4, y: H / 4 };
  const editedLeft = await studio.canvasPixelAt(await studio.imagePointToClient(left.x, left.y));
  const editedRight = await studio.canvasPixelAt(await studio.imagePointToClient(right.x, right.y));
  expect(distance(editedLeft, QUADRANTS.topLeft)).toBeGreaterThan(8);
  await page.getByRole('button', { name: 'Compare' }).click();
  const compare = page.getByRole('toolbar', { name: 'Compare' });
  await expect(compare).toBeVisible();
  await studio.expectImagePixel(left.x, left.y, QUADRANTS.topLeft);
  await studio.expectImagePixel(right.x, right.y, editedRight);
  await expect(page.getByTestId('diff-summary')).toHaveText(/\d+\.\d% changed/);
  await compare.getByRole('checkbox', { name: 'Changed pixels' }).check();
  await studio.screenshot('compare-slider');
  await compare.getByRole('checkbox', { name: 'Changed pixels' }).uncheck();
  // All the way to one side: only the edit.
  await compare.getByRole('slider', { name: 'Compare position' }).fill('0');
  await studio.expectImagePixel(left.x, left.y, editedLeft);
  // Any two versions: the first edit against the branch, side by side.
  await compare.getByRole('combobox', { name: 'Before' }).selectOption(firstEdit);
  await expect(page.getByTestId('diff-summary')).toHaveText(/\d+\.\d% changed/);
  await compare.getByRole('button', { name: 'Side by side' }).click();
  await studio.screenshot('compare-side-by-side');
  await compare.getByRole('button', { name: 'Done' }).click();
  await expect(compare).toBeHidden();

  // Export the branch version as PNG: its iTXt recipe is this run's.
  const exported = await studio.exportViewed('PNG');
  expect(exported.name).toMatch(/\.png$/);
  const embedded = readPngRecipe(exported.bytes);
  expect(embedded?.format).toBe('qwen-edit-studio/version');
  expect(embedded?.version.id).toBe(branchEdit);
  expect(embedded?.version.parentId).toBe(rootId);
  expect(embedded?.version.recipe).toMatchObject({
    prompt: 'turn the blue area into water',
    seed: 1234,
    steps: 4,
    cfg: 4,
    sizes: { output: { width: W, height: H } },
    region: null,
  });
  expect(embedded?.lineage.map((v) => v.id)).toEqual([rootId]);
});
