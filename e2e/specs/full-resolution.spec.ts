/**
 * Print resolution without drift (issue 12), on the real engine with the demo model: an A4 poster at 300 dpi
 * (2480×3508) is edited at the model's working size and the result pasted back, so the exported PNG has the
 * poster's size and every pixel outside the changed area (the box, or the detected area the recipe
 * records) keeps the poster's exact bytes — over three chained edits too.
 */
import sharp from 'sharp';
import { quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

const W = 2480;
const H = 3508;
type Box = { x: number; y: number; width: number; height: number };

async function rgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function parseBox(text: unknown): Box {
  const [x, y, width, height] = String(text).split(',').map(Number) as [number, number, number, number];
  return { x, y, width, height };
}

const inside = (b: Box, x: number, y: number) =>
  x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;

/** Pixels outside every box that differ from the source, and pixels inside any box that do. */
async function compare(source: Buffer, exported: Buffer, boxes: Box[]) {
  const [before, after] = await Promise.all([rgb(source), rgb(exported)]);
  expect([after.width, after.height]).toEqual([W, H]);
  let outside = 0;
  let changed = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const same =
        before.data[i] === after.data[i] &&
        before.data[i + 1] === after.data[i + 1] &&
        before.data[i + 2] === after.data[i + 2];
      if (same) continue;
      if (boxes.some((b) => inside(b, x, y))) changed++;
      else outside++;
    }
  }
  return { outside, changed };
}

async function boxEdit(studio: StudioPage, from: [number, number], to: [number, number], prompt: string) {
  const page = studio.page;
  await page.getByRole('button', { name: 'Box', exact: true }).click();
  const a = await studio.imagePointToClient(...from);
  const b = await studio.imagePointToClient(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('region-status')).toHaveText(/^Box /);
  await runAndExport(studio, prompt);
}

async function runAndExport(studio: StudioPage, prompt: string) {
  const rows = await studio.versionRows.count();
  await studio.instruction.fill(prompt);
  await studio.setRunSettings({ steps: 2 });
  await studio.page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd(240_000);
  await expect(studio.versionRows).toHaveCount(rows + 1);
  const exported = await studio.exportViewed('PNG');
  return { bytes: exported.bytes, recipe: readPngRecipe(exported.bytes)!.version.recipe! };
}

test('a poster edited in a box, then twice more: 2480×3508 out, the source bytes outside every box', async ({
  studio,
}) => {
  test.setTimeout(900_000);
  const poster = await quadrantsPng(W, H, 'poster.png');
  await studio.openByFileInput(poster);
  await studio.expectImageShown('poster.png', W, H);

  const boxes: Box[] = [];
  await boxEdit(studio, [300, 500], [1100, 1400], 'replace this area with a window');
  let last = await studio.exportViewed('PNG');
  let recipe = readPngRecipe(last.bytes)!.version.recipe!;
  expect(recipe.sizes.output).toEqual({ width: W, height: H });
  expect(recipe.options).toMatchObject({ outputMode: 'source', pasteMask: 'region' });
  boxes.push(parseBox(recipe.options.regionBox));
  const first = await compare(poster.buffer, last.bytes, boxes);
  expect(first.outside).toBe(0);
  expect(first.changed).toBeGreaterThan(10_000);
  await studio.screenshot('fullres-box');

  // Two more edits on the result, each in its own box: nothing outside the three boxes ever moves.
  for (const [from, to] of [
    [
      [1500, 600],
      [2200, 1200],
    ],
    [
      [700, 2300],
      [1800, 3200],
    ],
  ] as [[number, number], [number, number]][]) {
    await boxEdit(studio, from, to, 'add a small boat');
    last = await studio.exportViewed('PNG');
    recipe = readPngRecipe(last.bytes)!.version.recipe!;
    boxes.push(parseBox(recipe.options.regionBox));
  }
  const chained = await compare(poster.buffer, last.bytes, boxes);
  expect(chained.outside).toBe(0);
  expect(chained.changed).toBeGreaterThan(first.changed);
});

test('a poster edited with no region: 2480×3508 out, the source bytes outside the recorded changed area', async ({
  studio,
}) => {
  test.setTimeout(600_000);
  const poster = await quadrantsPng(W, H, 'poster-whole.png');
  await studio.openByFileInput(poster);
  await studio.expectImageShown('poster-whole.png', W, H);
  const { bytes, recipe } = await runAndExport(studio, 'make it look like a print');
  expect(recipe.region).toBeNull();
  expect(recipe.sizes.output).toEqual({ width: W, height: H });
  expect(recipe.options).toMatchObject({ outputMode: 'source', pasteMask: 'changed-area' });
  // The exact mapping the paste-back used: source pixels per working pixel, per axis.
  const working = {
    width: Number(recipe.options.workingWidth),
    height: Number(recipe.options.workingHeight),
  };
  expect(working.width % 32).toBe(0);
  expect(typeof recipe.options.workingToSourceX).toBe('number');
  expect(typeof recipe.options.driftCorrected).toBe('boolean');
  // The demo model's output is noise, so its changed area may be the whole poster; what it records is checked.
  const changed = recipe.options.changedRect === null ? [] : [parseBox(recipe.options.changedRect)];
  const result = await compare(poster.buffer, bytes, changed);
  expect(result.outside).toBe(0);
  expect(result.changed).toBeGreaterThan(0);
});

test('designer sizes and print export: an aspect preset warns, and the export has the scale, DPI and profile', async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  await studio.openByFileInput(await quadrantsPng(256, 192, 'flyer.png'));
  await studio.expectImageShown('flyer.png', 256, 192);
  await page.locator('#size-mode').selectOption('custom');
  await page.locator('#aspect-preset').selectOption('1:1');
  await expect(page.getByTestId('aspect-warning')).toContainText('differs from the source');
  await page.locator('#aspect-preset').selectOption('A-portrait');
  await expect(page.getByTestId('output-size')).toHaveText(/Output: \d+×\d+/);
  // Back to the default: the source's size, pasted back; no warning.
  await page.locator('#size-mode').selectOption('source');
  await expect(page.getByTestId('aspect-warning')).toHaveCount(0);

  await studio.instruction.fill('turn the sky orange');
  await studio.setRunSettings({ steps: 1 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await studio.waitForRunEnd();
  const exportGroup = page.getByRole('group', { name: 'Export' });
  await exportGroup.getByText('Options').click();
  await exportGroup.getByLabel('Scale').fill('0.5');
  await exportGroup.getByLabel('DPI').fill('300');
  await exportGroup.getByLabel('sRGB profile').check();
  await exportGroup.getByLabel('File name from').selectOption('prompt');
  const { bytes, name } = await studio.exportViewed('JPEG');
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.width, meta.height, meta.density]).toEqual(['jpeg', 128, 96, 300]);
  expect(meta.icc?.subarray(36, 40).toString('latin1')).toBe('acsp');
  expect(name).toMatch(/turn-the-sky-orange\.jpg$/);
});
