/**
 * The prompt box: Ctrl+Enter runs but not while an IME is composing, recent instructions come back, the
 * negative prompt folds away; and an image pasted from the clipboard opens as a new project.
 */
import { quadrantsPng, solidPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';

test('Ctrl+Enter during IME composition does not run; after composition it does; recent prompts return', async ({
  studio,
  page,
}) => {
  test.setTimeout(90_000);
  await studio.openByFileInput(await quadrantsPng(128, 96, 'ime.png'));
  await studio.setRunSettings({ steps: 2 });
  await studio.instruction.fill('把天空变成紫色');
  // What Chromium sends while a Chinese IME is composing: keydown with isComposing (keyCode 229).
  const statusAfter = await studio.instruction.evaluate((box) => {
    const statuses: string[] = [];
    for (const kind of ['isComposing', 'keyCode 229'] as const) {
      const event = new KeyboardEvent('keydown', {
        key: 'Enter',
        ctrlKey: true,
        bubbles: true,
        cancelable: true,
        isComposing: kind === 'isComposing',
      });
      // Chromium ignores keyCode in the constructor; an IME's keydown reports 229.
      if (kind === 'keyCode 229') Object.defineProperty(event, 'keyCode', { value: 229 });
      box.dispatchEvent(event);
      statuses.push(window.__qeTest!.jobStatus());
    }
    return statuses.join(',');
  });
  expect(statusAfter).toBe('idle,idle');
  expect(await page.evaluate(() => window.__qeTest!.jobStatus())).toBe('idle');
  await expect(studio.versionRows).toHaveCount(1);

  await studio.instruction.press('Control+Enter');
  await expect(studio.versionRows).toHaveCount(2, { timeout: 60_000 });
  await studio.waitForRunEnd();

  await studio.instruction.fill('');
  await page.getByLabel('Recent instructions').selectOption('把天空变成紫色');
  await expect(studio.instruction).toHaveValue('把天空变成紫色');

  // The negative prompt is folded away until asked for.
  const negative = page.getByLabel('Negative prompt', { exact: true });
  await expect(negative).toBeHidden();
  await page.locator('summary', { hasText: 'Negative prompt' }).click();
  await expect(negative).toBeVisible();
});

test('an image pasted from the clipboard opens as a new project', async ({ studio, page }) => {
  const file = await solidPng([20, 120, 220], 48, 32, 'clip.png');
  await page.evaluate(
    ({ base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      document.body.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    },
    { base64: file.buffer.toString('base64') },
  );
  await studio.expectImageShown('image.png', 48, 32);
  await studio.expectImagePixel(10, 10, [20, 120, 220]);
  await expect(studio.versionRows).toHaveCount(1);
});
