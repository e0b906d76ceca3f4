/**
 * The version tree panel on the real app: keyboard navigation, double-click rollback, labels and branch
 * deletion with undo, "Use these settings", JPEG/WebP export, and restoring settings by opening an exported PNG.
 */
import { quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

async function runQuick(studio: StudioPage, prompt: string) {
  const rows = await studio.versionRows.count();
  await studio.instruction.fill(prompt);
  await studio.page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(studio.versionRows).toHaveCount(rows + 1, { timeout: 60_000 });
  await studio.waitForRunEnd();
}

test('keyboard, rollback, labels and deletion with undo in the version tree', async ({ studio, page }) => {
  test.setTimeout(120_000);
  await studio.openByFileInput(await quadrantsPng(128, 96, 'tree.png'));
  await studio.setRunSettings({ steps: 2 });
  await runQuick(studio, 'first edit');
  await runQuick(studio, 'second edit');
  const rows = studio.versionRows;
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');

  // Arrow keys move the view through the tree; Left goes to the parent, Enter makes the version the head.
  await rows.nth(2).focus();
  await page.keyboard.press('ArrowUp');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(rows.nth(1)).toHaveAttribute('data-head', 'true');
  // Double-click rolls back too; Ctrl+Z undoes the head move.
  await rows.nth(0).dblclick();
  await expect(rows.nth(0)).toHaveAttribute('data-head', 'true');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(rows.nth(1)).toHaveAttribute('data-head', 'true');

  // Label with F2, then undo it from the keyboard.
  await rows.nth(1).click();
  await rows.nth(1).press('F2');
  await page.getByLabel('Version label').fill('keeper');
  await page.getByLabel('Version label').press('Enter');
  await expect(rows.nth(1)).toContainText('keeper');
  await rows.nth(1).focus();
  await page.keyboard.press('Control+z');
  await expect(rows.nth(1)).not.toContainText('keeper');
  await page.keyboard.press('Control+Shift+z');
  await expect(rows.nth(1)).toContainText('keeper');

  // Delete the last version; it disappears at once and comes back with Undo.
  await rows.nth(2).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(2);
  await page.getByRole('button', { name: 'Undo', exact: true }).last().click();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(2)).toContainText('second edit');
  await studio.screenshot('version-tree');
});

test('"Use these settings", JPEG/WebP export, and an exported PNG dropped back in restores its settings', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await studio.openByFileInput(await quadrantsPng(128, 96, 'recipe.png'));
  await studio.lockSeed(777);
  await studio.setRunSettings({ steps: 3 });
  await page.locator('#cfg').fill('2.5');
  await runQuick(studio, 'a recipe worth keeping');
  await studio.instruction.fill('');
  await page.locator('#steps').fill('9');
  await studio.versionRows.nth(1).click();
  await page.getByRole('button', { name: 'Use these settings' }).click();
  await expect(studio.instruction).toHaveValue('a recipe worth keeping');
  await expect(page.locator('#steps')).toHaveValue('3');
  await expect(page.locator('#cfg')).toHaveValue('2.5');
  expect(await studio.seed()).toBe(777);

  const jpeg = await studio.exportViewed('JPEG');
  expect(jpeg.name).toMatch(/\.jpg$/);
  expect([...jpeg.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  const webp = await studio.exportViewed('WEBP');
  expect(webp.bytes.toString('latin1', 8, 12)).toBe('WEBP');
  const png = await studio.exportViewed('PNG');

  // Copy puts the same image on the clipboard as a PNG.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const clip = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const blob = await item!.getType('image/png');
    return Array.from(new Uint8Array(await blob.arrayBuffer()).subarray(0, 8));
  });
  expect(clip).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(readPngRecipe(png.bytes)?.version.recipe?.prompt).toBe('a recipe worth keeping');

  // Change the controls, then drop the exported PNG on the canvas: its recipe comes back.
  await studio.instruction.fill('something else');
  await page.locator('#steps').fill('40');
  await studio.openByDrop({ name: png.name, mimeType: 'image/png', buffer: png.bytes });
  await expect(page.getByRole('status').filter({ hasText: 'Settings restored' })).toBeVisible();
  await expect(studio.instruction).toHaveValue('a recipe worth keeping');
  await expect(page.locator('#steps')).toHaveValue('3');
  expect(await studio.seed()).toBe(777);
  await expect(studio.versionRows).toHaveCount(1);
});
