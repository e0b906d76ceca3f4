/**
 * Bad input never crashes the app: a non-image, a truncated PNG and a PNG claiming 30000×30000 each give a
 * readable error, the image already open stays, and the app keeps working afterwards.
 */
import {
  hugeHeaderPng,
  QUADRANTS,
  quadrantsPng,
  solidPng,
  textFile,
  truncatedPng,
  type FixtureFile,
} from '../fixtures/images';
import { expect, test } from '../fixtures/app';

const cases: { what: string; file: () => Promise<FixtureFile> | FixtureFile; message: RegExp }[] = [
  {
    what: 'a text file',
    file: () => textFile('notes.txt'),
    message: /notes\.txt is not a PNG, JPEG or WebP image/,
  },
  {
    what: 'a truncated PNG',
    file: () => truncatedPng('cut.png'),
    message: /cut\.png is damaged or truncated/,
  },
  {
    what: 'a PNG whose header says 30000×30000',
    file: () => hugeHeaderPng(30000, 30000, 'huge.png'),
    message: /huge\.png is 30000×30000 \(900 MP\); the limit is 64 MP/,
  },
];

for (const { what, file, message } of cases) {
  for (const how of ['file input', 'drop'] as const) {
    test(`${what} (by ${how}) shows a clear error and keeps the open image`, async ({ studio, page }) => {
      await studio.openByFileInput(await quadrantsPng(64, 48));
      await studio.expectImageShown('quadrants.png', 64, 48);
      await studio.expectImagePixel(16, 12, QUADRANTS.topLeft);

      const bad = await file();
      if (how === 'drop') await studio.openByDrop(bad);
      else await studio.openByFileInput(bad);

      const alert = studio.alerts.filter({ hasText: `Couldn't open ${bad.name}` });
      await expect(alert).toBeVisible();
      await expect(alert).toContainText(message);
      // Still the previous image, still drawn.
      await studio.expectImageShown('quadrants.png', 64, 48);
      await studio.expectImagePixel(16, 12, QUADRANTS.topLeft);
      if (how === 'file input') await studio.screenshot(`error-${bad.name.replace(/\W+/g, '-')}`);

      // The error can be dismissed, and the app still opens images.
      await alert.getByRole('button', { name: /^Dismiss/ }).click();
      await expect(alert).toBeHidden();
      const green = [30, 180, 60] as const;
      await studio.openByFileInput(await solidPng(green, 20, 20, 'after.png'));
      await studio.expectImageShown('after.png', 20, 20);
      await studio.expectImagePixel(10, 10, green);
      await expect(studio.engineState).toHaveText('Engine ready');
      expect(await page.evaluate(() => window.__qeTest?.engineState())).toBe('ready');
    });
  }
}

test('bad files one after another stack readable errors, and the app still answers', async ({ studio }) => {
  await studio.openByFileInput(textFile('a.txt'));
  await studio.openByFileInput(await truncatedPng('b.png'));
  await studio.openByFileInput(hugeHeaderPng(30000, 30000, 'c.png'));
  await expect(studio.alerts).toHaveCount(3);
  // Each is reported once; in the order the checks finish (a truncated PNG takes longest to find out).
  for (const name of ['a.txt', 'b.png', 'c.png'])
    await expect(studio.alerts.filter({ hasText: `Couldn't open ${name}` })).toHaveCount(1);
  await expect(studio.imageInfo).toHaveCount(0);
  await studio.openByDrop(await quadrantsPng(64, 48));
  await studio.expectImagePixel(48, 36, QUADRANTS.bottomRight);
});
