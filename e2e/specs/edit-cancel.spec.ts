/** Cancelling a run: Esc mid-run stops the engine, nothing is added (on screen or on disk), the UI is ready again. */
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

test('Esc mid-run cancels: the tree is unchanged and the UI is ready for the next run', async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await studio.openByFileInput(await quadrantsPng(384, 288, 'cancel-me.png'));
  await expect(studio.versionRows).toHaveCount(1);
  const before = (await studio.project())!;
  await studio.instruction.fill('a very long edit');
  await studio.setRunSettings({ steps: 100 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // Wait for real progress (the engine is denoising), then cancel with Esc.
  await expect(page.getByTestId('progress')).toContainText(/Step [1-9]\d*\/100/, { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  // A preview frame is on the canvas mid-run.
  await expect.poll(() => page.evaluate(() => window.__qeTest!.previewVersion())).toBeGreaterThan(1);
  await studio.screenshot('run-in-progress');
  await page.keyboard.press('Escape');
  await studio.waitForRunEnd(30_000);
  await expect(page.getByRole('status').filter({ hasText: 'Edit cancelled' })).toBeVisible();
  await studio.screenshot('cancelled');

  // Unchanged in the UI…
  await expect(studio.versionRows).toHaveCount(1);
  expect(await studio.project()).toEqual(before);
  await expect(page.getByTestId('progress')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toBeDisabled();

  // …and on disk: reopening the project from Recent shows the same single version.
  await page.getByText('Recent', { exact: true }).click();
  await page
    .getByRole('list', { name: 'Recent projects' })
    .getByRole('button', { name: /cancel-me/ })
    .first()
    .click();
  await expect(studio.versionRows).toHaveCount(1);
  expect((await studio.project())!.versionIds).toEqual(before.versionIds);

  // And the next run works.
  await studio.setRunSettings({ steps: 2 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);
});
