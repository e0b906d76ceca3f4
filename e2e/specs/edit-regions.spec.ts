/**
 * Region-locked edits on the real engine: pixels outside the drawn box (or brushed mask) are byte-identical
 * to the parent's in the exported file; the text tool's composed instruction reaches the engine (recipe);
 * mask strokes undo and redo with Ctrl+Z / Ctrl+Shift+Z.
 */
import sharp from 'sharp';
import { quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

const W = 256;
const H = 192;

async function dragOnImage(studio: StudioPage, from: [number, number], to: [number, number]) {
  const a = await studio.imagePointToClient(...from);
  const b = await studio.imagePointToClient(...to);
  await studio.page.mouse.move(a.x, a.y);
  await studio.page.mouse.down();
  await studio.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 3 });
  await studio.page.mouse.move(b.x, b.y, { steps: 3 });
  await studio.page.mouse.up();
}

async function rgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

test('a box region: every pixel outside the box is unchanged in the exported version', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  const input = await quadrantsPng(W, H, 'region.png');
  await studio.openByFileInput(input);
  await studio.expectImageShown('region.png', W, H);
  await page.getByRole('button', { name: 'Box', exact: true }).click();
  await dragOnImage(studio, [40, 30], [140, 110]);
  await expect(page.getByTestId('region-status')).toHaveText(/^Box 101×81 at 40,30/);
  await studio.screenshot('region-box');
  await studio.instruction.fill('replace this area with a window');
  await studio.setRunSettings({ steps: 4 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);

  const exported = await studio.exportViewed('PNG');
  const recipe = readPngRecipe(exported.bytes)!.version.recipe!;
  expect(recipe.region).not.toBeNull();
  expect(recipe.options.regionBox).toBe('40,30,101,81');
  const [before, after] = await Promise.all([rgb(input.buffer), rgb(exported.bytes)]);
  expect([after.width, after.height]).toEqual([W, H]);
  let outsideDiffering = 0;
  let insideChanged = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const same =
        before.data[i] === after.data[i] &&
        before.data[i + 1] === after.data[i + 1] &&
        before.data[i + 2] === after.data[i + 2];
      const inside = x >= 40 && x < 141 && y >= 30 && y < 111;
      if (!inside && !same) outsideDiffering++;
      if (inside && !same) insideChanged++;
    }
  }
  expect(outsideDiffering).toBe(0);
  expect(insideChanged).toBeGreaterThan(1000);
});

test('a brushed mask: strokes undo and redo, and pixels away from them are unchanged', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  const input = await quadrantsPng(W, H, 'brush.png');
  await studio.openByFileInput(input);
  await studio.expectImageShown('brush.png', W, H);
  await page.getByRole('button', { name: 'Brush', exact: true }).click();
  await page.getByRole('slider', { name: 'Brush size' }).fill('20');
  await dragOnImage(studio, [150, 140], [220, 150]);
  await expect(page.getByTestId('region-status')).toHaveText(/^Painted mask/);
  // A stray click on the empty canvas around the image adds nothing to undo.
  await studio.canvasArea.click({ position: { x: 5, y: 5 } });
  await page.getByRole('button', { name: 'Box', exact: true }).focus();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('region-status')).toHaveText('Whole image');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('region-status')).toHaveText(/^Painted mask/);
  await studio.screenshot('region-brush');

  await studio.instruction.fill('add a small boat');
  await studio.setRunSettings({ steps: 3 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  const exported = await studio.exportViewed('PNG');
  expect(readPngRecipe(exported.bytes)!.version.recipe!.region).not.toBeNull();
  const [before, after] = await Promise.all([rgb(input.buffer), rgb(exported.bytes)]);
  // The stroke (radius 10 around y 140–150, x 150–220) cannot reach the top half or the left third.
  let farDiffering = 0;
  let nearChanged = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const same = before.data.readUIntBE(i, 3) === after.data.readUIntBE(i, 3);
      if ((y < 120 || x < 120) && !same) farDiffering++;
      if (y >= 138 && y <= 152 && x >= 160 && x <= 210 && !same) nearChanged++;
    }
  }
  expect(farDiffering).toBe(0);
  expect(nearChanged).toBeGreaterThan(100);
});

test('text tool: the composed instruction (English or Chinese) is editable and reaches the engine', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await studio.openByFileInput(await quadrantsPng(W, H, 'sign.png'));
  await studio.expectImageShown('sign.png', W, H);
  await page.getByRole('button', { name: 'Text', exact: true }).click();
  await dragOnImage(studio, [20, 20], [110, 60]);
  const tool = page.getByRole('group', { name: 'Text tool' });
  await tool.getByLabel('Current text').fill('OPEN');
  await tool.getByLabel('New text').fill('CLOSED');
  const instruction = tool.getByLabel('Instruction sent to the model');
  await expect(instruction).toHaveValue('Replace the text "OPEN" with "CLOSED"');
  await tool.getByLabel('Current text').fill('营业');
  await tool.getByLabel('New text').fill('休息');
  await expect(instruction).toHaveValue('将文字"营业"替换为"休息"');
  // The user can change the composed instruction before running.
  await instruction.fill('将招牌上的文字"营业"替换为"休息"');
  await studio.screenshot('text-tool');
  await studio.setRunSettings({ steps: 3 });
  await tool.getByRole('button', { name: 'Run text edit' }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);
  const recipe = readPngRecipe((await studio.exportViewed('PNG')).bytes)!.version.recipe!;
  expect(recipe.prompt).toBe('将招牌上的文字"营业"替换为"休息"');
  expect(recipe.options.regionBox).toBe('20,20,91,41');
});
