/**
 * The native menus' page half in web mode: the same handlers Electron's `shell:command` and `shell:open`
 * events reach, driven through the e2e hook (web mode has no menus), and the menu state the page reports.
 * Main's half (menu model, routing, dialogs, picked paths) is covered by electron/main/shell's unit tests and
 * by electron.spec.ts where the Electron binary exists.
 */
import type { ShellCommand } from '../../electron/shared/contract';
import { expect, test } from '../fixtures/app';
import { quadrantsPng } from '../fixtures/images';
import type { StudioPage } from '../pages/StudioPage';

const command = (studio: StudioPage, c: ShellCommand) =>
  studio.page.evaluate((c) => window.__qeTest!.shellCommand(c), c);
const menuState = (studio: StudioPage) => studio.page.evaluate(() => window.__qeTest!.menuState());

test('menu commands: zoom, panels, shortcuts, run, compare, export; the menu state follows', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  expect(await menuState(studio)).toMatchObject({ hasProject: false, hasImage: false, jobRunning: false });
  await studio.openByFileInput(await quadrantsPng(128, 96, 'menu.png'));
  await studio.expectImageShown('menu.png', 128, 96);
  expect(await menuState(studio)).toMatchObject({ hasProject: true, hasImage: true, canCompare: false });

  // View ▸ Zoom in / Actual size / Fit.
  const scale = () => page.evaluate(() => window.__qeTest!.view().scale);
  const fit = await scale();
  await command(studio, { id: 'zoomIn' });
  expect(await scale()).toBeCloseTo(fit * 1.25, 6);
  await command(studio, { id: 'zoomActual' });
  await expect(studio.zoom).toHaveText('Zoom 100%');
  await command(studio, { id: 'zoomFit' });
  expect(await scale()).toBeCloseTo(fit, 6);

  // View ▸ Show versions panel, by the menu command and by its key (Ctrl+1) where no menu binds it.
  const versionsPanel = page.getByRole('complementary').filter({ has: page.getByRole('tree') });
  await expect(versionsPanel).toBeVisible();
  await command(studio, { id: 'toggleVersions' });
  await expect(versionsPanel).toBeHidden();
  expect((await menuState(studio)).versionsPanel).toBe(false);
  // The canvas takes the freed column.
  const canvasWidth = (await studio.canvasArea.boundingBox())!.width;
  await page.keyboard.press('Control+1');
  await expect(versionsPanel).toBeVisible();
  expect((await studio.canvasArea.boundingBox())!.width).toBeLessThan(canvasWidth);
  await page.keyboard.press('Control+2');
  await expect(studio.instruction).toBeHidden();
  await command(studio, { id: 'toggleEdit' });
  await expect(studio.instruction).toBeVisible();

  // Help ▸ Keyboard shortcuts.
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await command(studio, { id: 'shortcuts' });
  await expect(sheet).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();

  // Run ▸ Run makes a version; then View ▸ Compare compares it with its parent.
  await studio.instruction.fill('make it purple');
  await studio.setRunSettings({ steps: 2 });
  await command(studio, { id: 'run' });
  await expect(studio.versionRows).toHaveCount(2, { timeout: 60_000 });
  await studio.waitForRunEnd();
  expect(await menuState(studio)).toMatchObject({ canCompare: true, jobRunning: false, canUndo: false });
  await command(studio, { id: 'compare' });
  await expect(page.getByRole('toolbar', { name: 'Compare' })).toBeVisible();
  await command(studio, { id: 'compare' });
  await expect(page.getByRole('toolbar', { name: 'Compare' })).toBeHidden();

  // Tools.
  await command(studio, { id: 'toolBrush' });
  const tools = page.getByRole('toolbar', { name: 'Canvas tools' });
  await expect(tools.getByRole('button', { name: 'Brush' })).toHaveAttribute('aria-pressed', 'true');

  // File ▸ Export ▸ PNG without a save dialog's path (web mode) downloads the viewed version.
  const [download] = await Promise.all([page.waitForEvent('download'), command(studio, { id: 'exportPng' })]);
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  expect(download.suggestedFilename()).toMatch(/\.png$/);
});

test('web mode names no paths: a picked path or export path is refused clearly, and nothing is lost', async ({
  studio,
}) => {
  await studio.openByFileInput(await quadrantsPng(64, 48, 'kept.png'));
  await studio.expectImageShown('kept.png', 64, 48);
  await studio.page.evaluate(() => window.__qeTest!.shellOpen({ kind: 'image', path: '/etc/cat.png' }));
  await expect(studio.alerts.filter({ hasText: "Couldn't open cat.png" })).toContainText(
    "request 'shell:readPicked' is not served here",
  );
  await command(studio, { id: 'exportPng', path: '/tmp/qwen-edit-menu-export.png' });
  await expect(studio.alerts.filter({ hasText: "Couldn't export" })).toContainText(
    "request 'shell:writeExport' is not served here",
  );
  await studio.expectImageShown('kept.png', 64, 48);
});
