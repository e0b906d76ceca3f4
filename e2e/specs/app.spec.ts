/** The app loads in web mode and says what it runs on. */
import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/app';

const ortVersion = (
  JSON.parse(
    readFileSync(new URL('../../node_modules/onnxruntime-node/package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  }
).version;

test('the app frame loads: top bar, canvas, side panels, status bar', async ({ studio, page }) => {
  await expect(page).toHaveTitle('Qwen Edit Studio');
  await expect(page.getByRole('banner')).toContainText('Qwen Edit Studio');
  await expect(page.getByRole('button', { name: 'Open image…' })).toBeVisible();
  await expect(page.getByRole('main', { name: 'Canvas area' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: /Versions/ })).toContainText('Open an image');
  await expect(page.getByRole('complementary', { name: 'Edit' }).getByLabel('Instruction')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
  await expect(page.getByText('Open an image to start editing')).toBeVisible();
  await expect(studio.zoom).toHaveText('Zoom —');
  await studio.screenshot('app-loaded');
});

test('the status bar shows the ONNX Runtime version and cpu among the providers', async ({ studio }) => {
  await expect(studio.runtime).toHaveText(new RegExp(`^ORT ${ortVersion.replaceAll('.', '\\.')} · `));
  const providers = (await studio.runtime.innerText()).split(' · ')[1]!.split(', ');
  expect(providers).toContain('cpu');
});

test('with no converted model installed, the demo model is announced', async ({ studio, page }) => {
  // The suite's data folder is empty, so the engine falls back to the tiny demo model.
  await expect(page.getByTestId('model-status')).toHaveText('Model: demo (tiny, random weights)');
  await expect(page.getByRole('region', { name: 'Model notice' })).toContainText('Demo model in use:');
  await expect(studio.engineState).toHaveText('Engine ready');
});
