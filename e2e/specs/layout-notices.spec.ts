/**
 * Issue 13 §4 layout: the compare bar fits inside the canvas at 1280×720 (bounding boxes, plus a screenshot);
 * confirmations dismiss themselves while errors stay until dismissed; no notice covers the edit panel or the
 * compare bar.
 */
import type { Locator } from '@playwright/test';
import { quadrantsPng, textFile } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('the compare bar fits the canvas at 1280×720; errors stay clear of it and of the edit panel', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await studio.openByFileInput(await quadrantsPng(128, 96, 'poster.png'));
  await studio.expectImageShown('poster.png', 128, 96);
  // A long instruction makes the longest version names the bar can show.
  await studio.instruction.fill('replace the whole background with a detailed purple and orange sunset sky');
  await studio.setRunSettings({ steps: 2 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);
  await page.getByRole('button', { name: 'Compare' }).click();
  const bar = page.getByRole('toolbar', { name: 'Compare' });
  await expect(page.getByTestId('diff-summary')).toHaveText(/\d+\.\d% changed/);

  await studio.openByFileInput(textFile('notes.txt'));
  const error = studio.alerts;
  await expect(error).toHaveCount(1);
  await studio.screenshot('compare-bar-1280x720');

  const barBox = await box(bar);
  expect(inside(barBox, await box(studio.canvasArea))).toBe(true);
  expect(await bar.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const errorBox = await box(error);
  expect(overlaps(errorBox, barBox)).toBe(false);
  expect(overlaps(errorBox, await box(page.locator('.panel-right')))).toBe(false);
});

test('a confirmation dismisses itself; an error stays until dismissed', async ({ studio, page }) => {
  await studio.openByFileInput(await quadrantsPng(64, 48));
  await studio.expectImageShown('quadrants.png', 64, 48);
  await studio.openByFileInput(textFile('notes.txt'));
  await expect(studio.alerts).toHaveCount(1);
  await studio.instruction.fill('');
  await studio.instruction.press('Control+Enter');
  const toast = page.getByRole('status').filter({ hasText: 'Nothing to run' });
  await expect(toast).toBeVisible();
  // The bound: confirmations go on their own (5 s), with no click.
  await expect(toast).toBeHidden({ timeout: 9_000 });
  await expect(studio.alerts).toHaveCount(1);
  await studio.alerts.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(studio.alerts).toHaveCount(0);
});
