/** Accessibility smoke check with axe-core: no serious or critical violations on the main screen. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { QUADRANTS, quadrantsPng, textFile } from '../fixtures/images';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe in the page. Evaluated through the debugger protocol, so the page's CSP (script-src 'self') stays on. */
async function seriousViolations(studio: StudioPage) {
  await studio.page.evaluate(`${axeSource}\n;void 0`);
  const results = (await studio.page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document): Promise<unknown> } }).axe.run(document),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the empty main screen has no serious accessibility violations', async ({ studio }) => {
  expect(await seriousViolations(studio)).toEqual([]);
});

test('with an image open and an error shown, still none', async ({ studio }) => {
  await studio.openByFileInput(await quadrantsPng(64, 48));
  await studio.expectImagePixel(16, 12, QUADRANTS.topLeft);
  await studio.openByFileInput(textFile('readme.txt'));
  await expect(studio.alerts).toHaveCount(1);
  expect(await seriousViolations(studio)).toEqual([]);
});

test('the editor after a run, with the version tree and compare open: still none', async ({
  studio,
  page,
}) => {
  test.setTimeout(90_000);
  await studio.openByFileInput(await quadrantsPng(128, 96));
  await studio.instruction.fill('make it brighter');
  await studio.setRunSettings({ steps: 2 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(studio.versionRows).toHaveCount(2, { timeout: 60_000 });
  await studio.waitForRunEnd();
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-summary')).toHaveText(/changed/);
  await page.getByRole('button', { name: 'Text', exact: true }).click();
  await studio.screenshot('a11y-editor');
  expect(await seriousViolations(studio)).toEqual([]);
});
