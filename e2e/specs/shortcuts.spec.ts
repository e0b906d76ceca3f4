/** The "?" sheet lists the shortcuts from the shared table, and the keys it lists do what it says. */
import { expect, test } from '../fixtures/app';
import { quadrantsPng } from '../fixtures/images';

test('"?" opens the keyboard shortcuts sheet; Esc closes it; typing "?" in the prompt does not', async ({
  studio,
  page,
}) => {
  await studio.openByFileInput(await quadrantsPng(64, 48));
  await studio.expectImageShown('quadrants.png', 64, 48);
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeHidden();
  const instruction = studio.instruction;
  await instruction.fill('why?');
  await instruction.press('Shift+?');
  await expect(sheet).toBeHidden();
  await instruction.blur();

  await page.keyboard.press('Shift+?');
  await expect(sheet).toBeVisible();
  const row = (label: string) => sheet.getByRole('row', { name: new RegExp(`^${label}`) });
  await expect(row('Undo')).toContainText(/Ctrl\+Z|⌘Z/);
  await expect(row('Redo')).toContainText(/Ctrl\+Y|⌘Y/);
  await expect(row('Fit to window')).toContainText('0');
  await expect(row('Brush tool')).toContainText('B');
  await expect(sheet.getByRole('region', { name: 'Run' })).toContainText('Esc');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
});
