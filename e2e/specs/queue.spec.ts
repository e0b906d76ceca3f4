/**
 * The edit queue (issue 13 §2), in web mode: while a long edit runs, four more are queued; one is cancelled
 * while queued and one moved to the front; after a reload of the page the last project is open again, the
 * queue is listed in the same order (the recent instructions are back too), and the reloaded page still owns
 * its jobs (it cancels a queued one and the running one); the rest then run in the order shown.
 */
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

test('a queue of jobs: cancel one while queued, reorder, the order kept after a reload, then run in it', async ({
  studio,
  page,
}) => {
  test.setTimeout(240_000);
  await studio.openByFileInput(await quadrantsPng(96, 64, 'queue.png'));
  await studio.expectImageShown('queue.png', 96, 64);
  const rootId = (await studio.project())!.head;

  // A long edit keeps the engine busy while the queue is arranged (cancelled below, never waited out).
  await studio.instruction.fill('the long one');
  await studio.setRunSettings({ steps: 150, size: { width: 1024, height: 1024 } });
  const run = page.getByRole('button', { name: 'Run', exact: true });
  await run.click();
  await expect(page.getByTestId('progress')).toContainText(/Step [1-9]\d*\/150/, { timeout: 90_000 });

  await studio.setRunSettings({ steps: 2 });
  const queued = page.getByRole('list', { name: 'Queued edits' }).getByRole('listitem');
  const queueButton = page.getByRole('button', { name: 'Queue', exact: true });
  for (const [i, prompt] of ['first', 'second', 'third', 'fourth'].entries()) {
    await studio.instruction.fill(prompt);
    await queueButton.click();
    await expect(queued).toHaveCount(i + 1);
  }
  const prompts = async () =>
    (await queued.locator('.queue-prompt').allTextContents()).map((t) => t.split(' · ')[0]);

  await page.getByRole('button', { name: 'Cancel queued: second' }).click();
  await expect(queued).toHaveCount(3);
  await page.getByRole('button', { name: 'Move up: fourth' }).click();
  await expect.poll(prompts).toEqual(['first', 'fourth', 'third']);
  await page.getByRole('button', { name: 'Move up: fourth' }).click();
  await expect.poll(prompts).toEqual(['fourth', 'first', 'third']);
  await expect(page.getByRole('button', { name: 'Move up: fourth' })).toBeDisabled();
  await studio.screenshot('queue-arranged');

  // A reload of the page: the project comes back by itself, with its queue in the same order.
  await studio.reload();
  await studio.expectImageShown('queue.png', 96, 64);
  await expect.poll(prompts).toEqual(['Running: the long one', 'fourth', 'first', 'third']);
  // The recent instructions came back too, newest first.
  await expect(page.getByLabel('Recent instructions').locator('option')).toHaveText([
    'Recent instructions…',
    'fourth',
    'third',
    'second',
    'first',
    'the long one',
  ]);
  await expect(page.getByRole('listitem').filter({ hasText: 'Running: the long one' })).toHaveAttribute(
    'data-state',
    'running',
  );

  // The reloaded page owns the jobs it queued: it cancels a queued one, then the running one.
  await page.getByRole('button', { name: 'Cancel queued: first' }).click();
  await expect.poll(prompts).toEqual(['Running: the long one', 'fourth', 'third']);
  await page.getByRole('button', { name: 'Cancel running: the long one' }).click();

  // The rest run, in the order shown, as children of the version they were queued from.
  await expect(studio.versionRows).toHaveCount(3, { timeout: 120_000 });
  await expect(queued).toHaveCount(0);
  await expect(studio.versionRows.nth(1)).toContainText('fourth');
  await expect(studio.versionRows.nth(2)).toContainText('third');
  await expect(studio.versionRows.nth(2)).toContainText('2 of 2');
  const after = (await studio.project())!;
  expect(after.versionIds).toHaveLength(3);
  expect(after.versionIds).toContain(rootId);
  await studio.screenshot('queue-after-reload-ran');
});
