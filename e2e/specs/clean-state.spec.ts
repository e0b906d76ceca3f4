/**
 * Opening a new image starts clean (issue 13 §4): the region, custom size, seed lock and error notices of the
 * previous image do not carry over; the instruction the user typed stays.
 */
import { quadrantsPng, solidPng, textFile } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

test('open image A, set region/size/seed lock/error, open image B: B starts clean', async ({
  studio,
  page,
}) => {
  await studio.openByFileInput(await quadrantsPng(128, 96, 'a.png'));
  await studio.expectImageShown('a.png', 128, 96);

  await page.getByRole('button', { name: 'Box', exact: true }).click();
  const from = await studio.imagePointToClient(10, 10);
  const to = await studio.imagePointToClient(60, 50);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('region-status')).toHaveText(/^Box /);
  await studio.setRunSettings({ steps: 4, size: { width: 320, height: 240 } });
  await studio.lockSeed(1234);
  await studio.instruction.fill('make it blue');
  await studio.openByFileInput(textFile('notes.txt'));
  await expect(studio.alerts).toHaveCount(1);
  await studio.expectImageShown('a.png', 128, 96);

  await studio.openByFileInput(await solidPng([200, 30, 30], 96, 64, 'b.png'));
  await studio.expectImageShown('b.png', 96, 64);
  await expect(page.getByTestId('region-status')).toHaveText('Whole image');
  await expect(page.locator('#size-mode')).toHaveValue('auto');
  await expect(page.getByRole('button', { name: 'Lock seed' })).toHaveAttribute('aria-pressed', 'false');
  await expect(studio.alerts).toHaveCount(0);
  await expect(studio.instruction).toHaveValue('make it blue');
});
