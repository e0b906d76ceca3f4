/** Canvas navigation: wheel zoom around the cursor, fit and 100 %, pan with space+drag and the middle button. */
import { QUADRANTS, quadrantsPng } from '../fixtures/images';
import { distance, type Point } from '../pages/StudioPage';
import { expect, test } from '../fixtures/app';

test.beforeEach(async ({ studio }) => {
  await studio.openByFileInput(await quadrantsPng(64, 48));
  await studio.expectImageShown('quadrants.png', 64, 48);
  await studio.expectImagePixel(16, 12, QUADRANTS.topLeft);
});

test('the wheel zooms in around the cursor: the scale grows and the pixels under the cursor follow', async ({
  studio,
  page,
}) => {
  const before = (await studio.stageScale())!;
  // A point just left of the image's left edge: empty canvas now, inside the image once zoomed in around the centre.
  const edge = await studio.imagePointToClient(0, 30);
  const probe: Point = { x: edge.x - before * 2, y: edge.y };
  const outside = await studio.canvasPixelAt(probe);
  expect(distance(outside, QUADRANTS.topLeft)).toBeGreaterThan(40);
  expect(distance(outside, QUADRANTS.bottomLeft)).toBeGreaterThan(40);

  const centre = await studio.imagePointToClient(31.5, 23.5);
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.wheel(0, -300);
  await expect.poll(() => studio.stageScale()).toBeGreaterThan(before * 1.5);
  const after = (await studio.stageScale())!;
  await expect(studio.zoom).toHaveText(`Zoom ${Math.round(after * 100)}%`);

  // The image point under the cursor stayed under it.
  const centreAfter = await studio.imagePointToClient(31.5, 23.5);
  expect(Math.abs(centreAfter.x - centre.x)).toBeLessThan(1);
  expect(Math.abs(centreAfter.y - centre.y)).toBeLessThan(1);
  // And the canvas really changed: the probe now lands on the image, in the bottom-left quadrant.
  await expect
    .poll(async () => distance(await studio.canvasPixelAt(probe), QUADRANTS.bottomLeft))
    .toBeLessThanOrEqual(2);
  await studio.screenshot('zoomed-in');

  // Zooming out far is clamped at 2 %.
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 300);
  await expect.poll(() => studio.stageScale()).toBeCloseTo(0.02, 5);
  await expect(studio.zoom).toHaveText('Zoom 2%');
});

test('keys 1 and 0 switch between actual pixels and fit', async ({ studio, page }) => {
  const fitted = (await studio.stageScale())!;
  await studio.canvasArea.click();
  await page.keyboard.press('1');
  await expect.poll(() => studio.stageScale()).toBe(1);
  await expect(studio.zoom).toHaveText('Zoom 100%');
  await studio.expectImagePixel(48, 36, QUADRANTS.bottomRight);
  await page.keyboard.press('0');
  await expect.poll(() => studio.stageScale()).toBeCloseTo(fitted, 6);
  await page.getByRole('button', { name: '100%' }).click();
  await expect.poll(() => studio.stageScale()).toBe(1);
  await page.getByRole('button', { name: 'Fit' }).click();
  await expect.poll(() => studio.stageScale()).toBeCloseTo(fitted, 6);
});

test('space+drag pans the image', async ({ studio, page }) => {
  const start = await studio.view();
  const from = await studio.imagePointToClient(16, 12);
  await studio.canvasArea.click({ position: { x: 5, y: 5 } });
  await page.keyboard.down('Space');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + 30, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Space');
  await expect.poll(async () => (await studio.view()).x).toBeCloseTo(start.x + 60, 3);
  expect((await studio.view()).y).toBeCloseTo(start.y + 30, 3);
  expect((await studio.view()).scale).toBe(start.scale);
  // The top-left quadrant's colour moved with the image.
  expect(
    distance(await studio.canvasPixelAt({ x: from.x + 60, y: from.y + 30 }), QUADRANTS.topLeft),
  ).toBeLessThanOrEqual(2);
});

test('dragging with the middle button pans; a plain left drag does not', async ({ studio, page }) => {
  const start = await studio.view();
  const from = await studio.imagePointToClient(40, 30);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 50, from.y, { steps: 3 });
  await page.mouse.up();
  expect((await studio.view()).x).toBe(start.x);

  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(from.x - 40, from.y - 20, { steps: 3 });
  await page.mouse.up({ button: 'middle' });
  await expect.poll(async () => (await studio.view()).x).toBeCloseTo(start.x - 90, 3);
  expect((await studio.view()).y).toBeCloseTo(start.y - 20, 3);
});

test('from 800 % a pixel grid separates image pixels; pixel centres keep their colour', async ({
  studio,
  page,
}) => {
  await studio.canvasArea.click();
  await page.keyboard.press('1');
  await expect.poll(() => studio.stageScale()).toBe(1);
  const centre = await studio.imagePointToClient(15, 12);
  // At 100 % there is no grid: the boundary between two red pixels is red.
  expect(
    distance(await studio.canvasPixelAt({ x: centre.x + 0.5, y: centre.y }), QUADRANTS.topLeft),
  ).toBeLessThanOrEqual(2);

  for (let i = 0; i < 10; i++) await page.keyboard.press('+');
  await expect.poll(() => studio.stageScale()).toBeGreaterThanOrEqual(8);
  const scale = (await studio.stageScale())!;
  const c = await studio.imagePointToClient(15, 12);
  expect(distance(await studio.canvasPixelAt(c), QUADRANTS.topLeft)).toBeLessThanOrEqual(2);
  // The line between pixels 15 and 16 lies half a pixel right of 15's centre; sample the screen pixels around it.
  const boundary = c.x + scale / 2;
  const around = await Promise.all(
    [-1, 0].map(async (dx) =>
      distance(await studio.canvasPixelAt({ x: Math.floor(boundary) + dx + 0.5, y: c.y }), QUADRANTS.topLeft),
    ),
  );
  expect(Math.max(...around)).toBeGreaterThan(10);
  await studio.screenshot('pixel-grid');
});
