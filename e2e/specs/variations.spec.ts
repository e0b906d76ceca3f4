/**
 * Variations (issue 13 §1): Run with ×4 makes four seeds in a row from the original; the grid shows them;
 * picking two and keeping them leaves exactly those two as versions, the other two gone from the tree.
 */
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

test('a variations run of 4 seeds → grid → keep 2: two versions, the rest not in the tree', async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  await studio.openByFileInput(await quadrantsPng(96, 64, 'poster.png'));
  await studio.expectImageShown('poster.png', 96, 64);
  const rootId = (await studio.project())!.head;
  await studio.instruction.fill('a bolder poster');
  await studio.lockSeed(500);
  await studio.setRunSettings({ steps: 2 });
  await page.getByLabel('Variations').selectOption('4');
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  const grid = page.getByRole('dialog', { name: 'Variations' });
  const cells = grid.getByRole('option');
  await expect(cells).toHaveCount(4, { timeout: 90_000 });
  await expect(cells).toHaveText(['seed 500', 'seed 501', 'seed 502', 'seed 503']);
  const made = (await studio.project())!.versionIds.filter((id) => id !== rootId);
  expect(made).toHaveLength(4);

  // Pick the second by click and the fourth from the keyboard (arrows browse, Space picks), Enter keeps.
  await cells.nth(1).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  await expect(cells.nth(3)).toHaveAttribute('aria-selected', 'true');
  await expect(grid.getByRole('button', { name: 'Keep 2' })).toBeEnabled();
  await studio.screenshot('variations-grid');
  await page.keyboard.press('Enter');
  await expect(grid).toHaveCount(0);

  await expect(studio.versionRows).toHaveCount(3);
  const after = (await studio.project())!;
  expect(after.versionIds.sort()).toEqual([rootId, made[1]!, made[3]!].sort());
  expect(after.head).toBe(made[1]);
  await expect(studio.versionRows.nth(1)).toContainText('seed 501');
  await expect(studio.versionRows.nth(2)).toContainText('seed 503');
});
