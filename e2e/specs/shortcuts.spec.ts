/** The "?" sheet lists the shortcuts from the shared table, and the keys it lists do what it says. */
import { expect, test } from '../fixtures/app';

test('"?" opens the keyboard shortcuts sheet; Esc closes it; typing "?" in the prompt does not', async ({
  page,
}) => {
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeHidden();
  const instruction = page.getByRole('complementary', { name: 'Edit' }).getByLabel('Instruction');
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
