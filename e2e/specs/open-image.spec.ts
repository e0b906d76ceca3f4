/** Opening PNGs by the file picker and by drag-and-drop, checked on the canvas pixels. */
import { QUADRANTS, quadrantsPng, solidPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

/** Each quadrant's centre shows its colour: the image is drawn, the right way round. */
async function expectQuadrants(studio: StudioPage, width: number, height: number) {
  const qx = width / 4;
  const qy = height / 4;
  await studio.expectImagePixel(Math.floor(qx), Math.floor(qy), QUADRANTS.topLeft);
  await studio.expectImagePixel(Math.floor(3 * qx), Math.floor(qy), QUADRANTS.topRight);
  await studio.expectImagePixel(Math.floor(3 * qx), Math.floor(3 * qy), QUADRANTS.bottomRight);
  await studio.expectImagePixel(Math.floor(qx), Math.floor(3 * qy), QUADRANTS.bottomLeft);
}

test('a PNG opened with the file input is drawn fitted on the canvas', async ({ studio, page }) => {
  const file = await quadrantsPng(64, 48);
  await studio.openByFileInput(file);
  await studio.expectImageShown('quadrants.png', 64, 48);
  await expect(page.getByText('Open an image to start editing')).toBeHidden();
  await expect(page).toHaveTitle('quadrants.png — Qwen Edit Studio');
  await expectQuadrants(studio, 64, 48);

  // Fitted: the whole image is inside the canvas area and fills it along one axis (less the padding).
  const box = (await studio.canvasArea.boundingBox())!;
  const view = await studio.view();
  expect(await studio.stageScale()).toBeCloseTo(view.scale, 6);
  const drawn = { w: 64 * view.scale, h: 48 * view.scale };
  expect(drawn.w).toBeLessThanOrEqual(box.width);
  expect(drawn.h).toBeLessThanOrEqual(box.height);
  expect(Math.max(drawn.w / (box.width - 48), drawn.h / (box.height - 48))).toBeCloseTo(1, 2);
  await expect(studio.zoom).toHaveText(`Zoom ${Math.round(view.scale * 100)}%`);
  await studio.screenshot('opened-by-file-input');
});

test('a camera-sized image is fitted down, whole, and drawn', async ({ studio }) => {
  await studio.openByFileInput(await quadrantsPng(3000, 2000, 'large.png'));
  await studio.expectImageShown('large.png', 3000, 2000);
  const scale = (await studio.stageScale())!;
  expect(scale).toBeLessThan(0.3);
  await expect(studio.zoom).toHaveText(`Zoom ${Math.round(scale * 100)}%`);
  await expectQuadrants(studio, 3000, 2000);
  // The far corners are on screen and inside the canvas area.
  const box = (await studio.canvasArea.boundingBox())!;
  for (const [ix, iy] of [
    [0, 0],
    [2999, 1999],
  ] as const) {
    const p = await studio.imagePointToClient(ix, iy);
    expect(p.x).toBeGreaterThan(box.x);
    expect(p.x).toBeLessThan(box.x + box.width);
    expect(p.y).toBeGreaterThan(box.y);
    expect(p.y).toBeLessThan(box.y + box.height);
  }
});

test('a PNG dropped on the canvas area is opened and drawn', async ({ studio }) => {
  const file = await quadrantsPng(120, 80, 'dropped.png');
  await studio.openByDrop(file);
  await studio.expectImageShown('dropped.png', 120, 80);
  await expectQuadrants(studio, 120, 80);
  await studio.screenshot('opened-by-drop');
});

test('opening another image replaces the one shown', async ({ studio }) => {
  await studio.openByFileInput(await quadrantsPng(64, 48));
  await studio.expectImagePixel(16, 12, QUADRANTS.topLeft);
  const teal = [20, 160, 150] as const;
  await studio.openByDrop(await solidPng(teal, 30, 50, 'teal.png'));
  await studio.expectImageShown('teal.png', 30, 50);
  await studio.expectImagePixel(15, 25, teal);
  await studio.expectImagePixel(2, 2, teal);
});

test('JPEG and WebP open too', async ({ studio }) => {
  const sharp = (await import('sharp')).default;
  const orange = { r: 240, g: 140, b: 30 };
  const jpeg = await sharp({ create: { width: 50, height: 30, channels: 3, background: orange } })
    .jpeg({ quality: 95 })
    .toBuffer();
  await studio.openByFileInput({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await studio.expectImageShown('photo.jpg', 50, 30);
  await studio.expectImagePixel(25, 15, [240, 140, 30], 6);

  const webp = await sharp({
    create: { width: 36, height: 36, channels: 3, background: { r: 90, g: 30, b: 200 } },
  })
    .webp({ lossless: true })
    .toBuffer();
  await studio.openByDrop({ name: 'art.webp', mimeType: 'image/webp', buffer: webp });
  await studio.expectImageShown('art.webp', 36, 36);
  await studio.expectImagePixel(18, 18, [90, 30, 200]);
});

test('Ctrl+O opens the file chooser, which takes PNG, JPEG and WebP', async ({ studio, page }) => {
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Control+o');
  const dialog = await chooser;
  expect(await dialog.element().getAttribute('accept')).toBe('image/png,image/jpeg,image/webp');
  await dialog.setFiles(await quadrantsPng(64, 48, 'chosen.png'));
  await studio.expectImageShown('chosen.png', 64, 48);
  await studio.expectImagePixel(48, 12, QUADRANTS.topRight);
});

test('a file dropped outside the canvas is neither opened nor left to the browser to navigate to', async ({
  studio,
  page,
}) => {
  const file = await quadrantsPng(64, 48, 'stray.png');
  const cancelled = await page.getByRole('complementary', { name: 'Versions' }).evaluate((panel, base64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'stray.png'));
    // dispatchEvent returns false when a listener called preventDefault: the browser's default (open the file) is off.
    return ['dragover', 'drop'].map(
      (type) =>
        !panel.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }),
        ),
    );
  }, file.buffer.toString('base64'));
  expect(cancelled).toEqual([true, true]);
  await expect(studio.imageInfo).toHaveCount(0);
  await expect(page.getByText('Open an image to start editing')).toBeVisible();
});
