/**
 * The offline prompt enhancer (issue 16) on the real engine (tiny demo model: random weights, so the text is
 * gibberish and the UI says so): Enhance → the suggestion streams in → edit it → accept → run; the version's
 * recipe holds the user's instruction and the enhanced one.
 */
import { quadrantsPng } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';

test('enhance → streamed suggestion → accept → the recipe holds original and enhanced instruction', async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  await studio.openByFileInput(await quadrantsPng(128, 96, 'sign.png'));
  await studio.expectImageShown('sign.png', 128, 96);
  await studio.setRunSettings({ steps: 2 });
  const original = 'make the sign say "CLOSED"';
  await studio.instruction.fill(original);

  await page.getByRole('button', { name: 'Enhance' }).click();
  const suggestion = page.locator('#enhanced-instruction');
  // Streaming: text appears while the suggestion is still being written.
  await page.waitForFunction(
    () => {
      const t = document.querySelector<HTMLTextAreaElement>('#enhanced-instruction');
      return !!t && t.value.length > 0 && t.getAttribute('aria-busy') === 'true';
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  await expect(page.getByText('Demo model (random weights): this suggestion is gibberish.')).toBeVisible({
    timeout: 120_000,
  });
  await expect(suggestion).toHaveAttribute('aria-busy', 'false');
  await studio.screenshot('enhance-suggestion');

  // The user edits the suggestion, then accepts it: it replaces the instruction.
  const enhanced = `${(await suggestion.inputValue()).trim()} Keep everything else unchanged.`.trim();
  await suggestion.fill(enhanced);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(suggestion).toHaveCount(0);
  await expect(studio.instruction).toHaveValue(enhanced);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(studio.versionRows).toHaveCount(2, { timeout: 90_000 });
  await studio.waitForRunEnd();
  const png = await studio.exportViewed('PNG');
  const recipe = readPngRecipe(png.bytes)?.version.recipe;
  expect(recipe?.prompt).toBe(enhanced);
  expect(recipe?.originalPrompt).toBe(original);
});

test('a rejected suggestion leaves the instruction as it was', async ({ studio, page }) => {
  test.setTimeout(120_000);
  await studio.openByFileInput(await quadrantsPng(128, 96, 'poster.png'));
  await studio.instruction.fill('brighter');
  await page.getByRole('button', { name: 'Enhance' }).click();
  await expect(page.getByRole('button', { name: 'Reject' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Reject' }).click();
  await expect(page.locator('#enhanced-instruction')).toHaveCount(0);
  await expect(studio.instruction).toHaveValue('brighter');
});
