/**
 * A region belongs to the image content it was drawn on (issue 13 §3): drawn on the 256×192 original, then a
 * 128×96 version selected, it is rescaled; the run from that version stores the rescaled box and leaves every
 * pixel outside it as the parent had it.
 */
import sharp from 'sharp';
import { quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';

async function rgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

test('a region drawn on the original is rescaled onto a smaller version, and the run uses it there', async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  await studio.openByFileInput(await quadrantsPng(256, 192, 'poster.png'));
  await studio.expectImageShown('poster.png', 256, 192);
  await studio.instruction.fill('make it smaller');
  await studio.setRunSettings({ steps: 2, size: { width: 128, height: 96 } });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);
  // "Changed pixels" works across the two sizes: compared at the smaller one.
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-summary')).toHaveText(/^\d+\.\d% changed$/);
  await expect(page.getByRole('checkbox', { name: 'Changed pixels' })).toBeEnabled();
  await page.getByRole('button', { name: 'Done' }).click();

  await studio.versionRows.first().click();
  await studio.expectImageShown('poster.png', 256, 192);
  await page.getByRole('button', { name: 'Box', exact: true }).click();
  const a = await studio.imagePointToClient(40, 30);
  const b = await studio.imagePointToClient(140, 110);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('region-status')).toHaveText(/^Box 101×81 at 40,30/);

  await studio.versionRows.nth(1).click();
  await expect(studio.imageInfo).toHaveText(/ · 128×96 /);
  // Edges 40..141 × 30..111 at half size: 20..70.5 × 15..55.5, grown to whole pixels.
  await expect(page.getByTestId('region-status')).toHaveText(/^Box 51×41 at 20,15/);
  await studio.screenshot('region-rescaled');
  const parent = await studio.exportViewed('PNG');

  await studio.instruction.fill('paint a window here');
  await studio.setRunSettings({ steps: 2 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(3);
  const child = await studio.exportViewed('PNG');
  expect(readPngRecipe(child.bytes)!.version.recipe!.options.regionBox).toBe('20,15,51,41');
  const [before, after] = await Promise.all([rgb(parent.bytes), rgb(child.bytes)]);
  expect([after.width, after.height]).toEqual([128, 96]);
  let outsideDiffering = 0;
  let insideChanged = 0;
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 128; x++) {
      const i = (y * 128 + x) * 3;
      const same = before.data.readUIntBE(i, 3) === after.data.readUIntBE(i, 3);
      const inside = x >= 20 && x < 71 && y >= 15 && y < 56;
      if (!inside && !same) outsideDiffering++;
      if (inside && !same) insideChanged++;
    }
  }
  expect(outsideDiffering).toBe(0);
  expect(insideChanged).toBeGreaterThan(200);
});
