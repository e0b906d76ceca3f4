/**
 * The model manager in the browser, against a hub served by this test on 127.0.0.1 (the tiny checkpoint in
 * the hub's layout, with its API's file list and LFS hashes): add the model from the local server, watch the
 * download progress, kill the server midway (the UI says so), restart it (the download resumes), convert,
 * make it active, and run an edit with it. The demo model is made active again at the end.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer } from '../../native-models/src/model-manager/testing/hub-server';
import { ensureTinyCheckpoint } from '../../native-models/src/tiny/ensure';
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

// The models folder of the web server this suite runs (e2e/playwright.config.ts: userData/models).
const modelsRoot = join(tmpdir(), `qwen-edit-e2e-${Number(process.env.QWEN_EDIT_PORT || 5399)}`, 'models');

test('add a model from a local hub → progress → server killed and restarted → resume → convert → active → edit', async ({
  studio,
  page,
}) => {
  test.setTimeout(300_000);
  await rm(join(modelsRoot, '.sources'), { recursive: true, force: true });
  const hub = await startHubServer(await ensureTinyCheckpoint(0));
  const total = hub.files.reduce((sum, f) => sum + f.size, 0);
  hub.faults.stallAfterBytes = Math.floor(total * 0.6);
  const panel = page.getByRole('dialog', { name: 'Models' });
  const installed = panel.getByRole('list', { name: 'Installed models' });
  try {
    await page.getByRole('button', { name: 'Models' }).click();
    await panel.getByLabel('Hub endpoint').fill(hub.endpoint);
    const row = panel
      .getByRole('list', { name: 'Catalogue' })
      .getByRole('listitem', { name: 'Qwen-Image-Edit', exact: true });
    await expect(row).toContainText('Qwen/Qwen-Image-Edit@main');
    await expect(row).toContainText('Apache-2.0');
    await row.getByRole('button', { name: 'Download' }).click();
    await expect(row.getByLabel('download progress')).toBeVisible();
    await expect(row.getByRole('status', { name: 'download status' })).toContainText(/\d+% · .* MB\/s · ETA/);

    // Midway (the server holds every response at 60 %), the server goes away.
    await hub.stalled;
    await hub.kill();
    hub.faults.stallAfterBytes = undefined;
    hub.release();
    await expect(row.getByText(/connection problem, retrying/)).toBeVisible({ timeout: 30_000 });
    await studio.screenshot('models-connection-lost');
    await hub.start();
    await expect(row.getByText(/^Downloaded \(/)).toBeVisible({ timeout: 90_000 });
    // Everything served before the kill that reached the disk was kept, not fetched again.
    expect(hub.totalServed()).toBeLessThan(total * 1.5);

    await panel.getByLabel('Precision').selectOption('fp32');
    await row.getByRole('button', { name: 'Convert' }).click();
    await expect(row.getByText('Installed as qwen-image-edit-fp32.')).toBeVisible({ timeout: 120_000 });
    const model = installed.getByRole('listitem', { name: 'Qwen-Image-Edit (fp32)' });
    await expect(model).toContainText(`Qwen/Qwen-Image-Edit@${hub.sha.slice(0, 12)}`);
    await model.getByRole('button', { name: 'Activate' }).click();
    await expect(model).toContainText('active', { timeout: 60_000 });
    await studio.waitUntilReady();
    await expect(page.getByTestId('demo-banner')).toHaveCount(0);
    await panel.getByRole('button', { name: 'Close' }).click();

    await studio.openByFileInput(await quadrantsPng(128, 96, 'model.png'));
    await studio.instruction.fill('make it blue');
    await studio.setRunSettings({ steps: 1, size: { width: 128, height: 96 } });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunEnd();
    await expect(studio.versionRows).toHaveCount(2);
    await expect(studio.alerts).toHaveCount(0);
  } finally {
    await hub.close();
    if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Models' }).click();
    const demo = installed.getByRole('listitem', { name: /^Demo model/ });
    const activate = demo.getByRole('button', { name: 'Activate' });
    if (await activate.isVisible()) {
      await activate.click();
      await expect(demo).toContainText('active', { timeout: 60_000 });
    }
    await studio.waitUntilReady();
    await rm(modelsRoot, { recursive: true, force: true });
  }
});

test('the model folder setting refuses a folder it cannot use, saying why, and moves nothing', async ({
  studio,
  page,
}) => {
  await studio.waitUntilReady();
  const panel = page.getByRole('dialog', { name: 'Models' });
  await page.getByRole('button', { name: 'Models' }).click();
  const path = panel.getByLabel('Model folder path');
  await expect(path).toHaveValue(modelsRoot);
  await path.fill('relative/models');
  await panel.getByRole('button', { name: 'Move library' }).click();
  await expect(panel.getByText('relative/models: the model folder must be an absolute path')).toBeVisible();
  await path.fill(join(modelsRoot, 'inside'));
  await panel.getByRole('button', { name: 'Move library' }).click();
  await expect(panel.getByText(/the model folder cannot be inside the current one/)).toBeVisible();
});
