/**
 * Region tools (issue 13 §3): a box shrunk by 4 px and inverted, feather 0 — the run keeps every pixel inside
 * the shrunk box and changes the ring around it; the overlay steps aside after the run and comes back on
 * demand; "Use these settings" restores the region (the stored mask); a lasso's inside is what an edit may
 * change.
 */
import sharp from 'sharp';
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

async function rgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Counts pixels that differ between two same-size images, split by `inside(x, y)`. */
async function changes(a: Buffer, b: Buffer, inside: (x: number, y: number) => boolean) {
  const [x0, x1] = await Promise.all([rgb(a), rgb(b)]);
  expect([x1.width, x1.height]).toEqual([x0.width, x0.height]);
  const count = { inside: 0, outside: 0 };
  for (let y = 0; y < x0.height; y++)
    for (let x = 0; x < x0.width; x++) {
      const i = (y * x0.width + x) * 3;
      if (x0.data.readUIntBE(i, 3) !== x1.data.readUIntBE(i, 3)) count[inside(x, y) ? 'inside' : 'outside']++;
    }
  return count;
}

async function drag(studio: StudioPage, points: [number, number][]) {
  const page = studio.page;
  const first = await studio.imagePointToClient(...points[0]!);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) {
    const p = await studio.imagePointToClient(x, y);
    await page.mouse.move(p.x, p.y, { steps: 3 });
  }
  await page.mouse.up();
}

test('shrink + invert + feather 0, the overlay after a run, "Use these settings" and the lasso', async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  await studio.openByFileInput(await quadrantsPng(96, 64, 'regions.png'));
  await studio.expectImageShown('regions.png', 96, 64);
  const original = await studio.exportViewed('PNG');
  const status = page.getByTestId('region-status');
  const showRegion = page.getByLabel('Show region');

  await page.getByRole('button', { name: 'Box', exact: true }).click();
  await drag(studio, [
    [20, 16],
    [59, 47],
  ]);
  await expect(status).toHaveText(/^Box 40×32 at 20,16: /);
  await page.getByLabel('Grow or shrink the region (pixels)').fill('-4');
  await page.getByLabel('Feather (pixels)').fill('0');
  await page.getByRole('checkbox', { name: 'Invert' }).check();
  await expect(status).toHaveText('Box 40×32 at 20,16, shrunk 4 px, inverted: pixels inside stay identical');
  await studio.screenshot('region-inverted');

  await studio.instruction.fill('change everything but the middle');
  await studio.setRunSettings({ steps: 2 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(2);
  // The result is on show: the overlay has stepped aside; it comes back when asked for.
  await expect(showRegion).not.toBeChecked();
  await showRegion.check();
  const inverted = await studio.exportViewed('PNG');
  // Kept: the box shrunk by 4 px (24..55 × 20..43). The ring between it and the box is editable.
  const kept = (x: number, y: number) => x >= 24 && x < 56 && y >= 20 && y < 44;
  expect((await changes(original.bytes, inverted.bytes, kept)).inside).toBe(0);
  const ring = await changes(
    original.bytes,
    inverted.bytes,
    (x, y) => !kept(x, y) && x >= 20 && x < 60 && y >= 16 && y < 48,
  );
  expect(ring.inside).toBeGreaterThan(0);

  // "Use these settings" brings the region back (a mask: the recipe has no plain box for it).
  await page.getByRole('button', { name: 'Clear region' }).click();
  await expect(status).toHaveText('Whole image');
  await page.getByRole('button', { name: 'Use these settings' }).click();
  await expect(status).toHaveText('Mask from the recipe: pixels outside stay identical');
  await expect(page.getByLabel('Feather (pixels)')).toHaveValue('0');

  // A lasso on the original: only its inside may change.
  await page.getByRole('button', { name: 'Clear region' }).click();
  await studio.versionRows.first().click();
  await studio.expectImageShown('regions.png', 96, 64);
  await page.getByRole('button', { name: 'Lasso', exact: true }).click();
  await drag(studio, [
    [10, 10],
    [50, 10],
    [50, 50],
    [10, 50],
  ]);
  await expect(status).toHaveText(/^Painted mask: /);
  await studio.instruction.fill('only inside the lasso');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  await expect(studio.versionRows).toHaveCount(3);
  const lassoed = await studio.exportViewed('PNG');
  // A pixel's margin around the polygon's edge for antialiasing.
  const inLasso = (x: number, y: number) => x >= 9 && x <= 51 && y >= 9 && y <= 51;
  const counted = await changes(original.bytes, lassoed.bytes, inLasso);
  expect(counted.outside).toBe(0);
  expect(counted.inside).toBeGreaterThan(200);
});
