/**
 * Issue 11 in the browser on the tiny Qwen-Image-Edit-2511 (installed into this run's library and made
 * active): the canvas image plus two reference pictures (picker and paste; one pasted picture removed again),
 * "Picture N" chips put into the instruction, reordering keeping the names meaning the same images, a
 * Lightning LoRA file added in the LoRA panel, its "Fast (4 steps)" preset, strength 0.75, a run; the recipe (read from the exported PNG) holds the
 * three images' hashes and the LoRA's, the version tree shows the pictures, and Replay reproduces the bytes.
 * The demo model is made active again at the end.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors, f32ToBytes } from '../../native-models/src/safetensors';
import { ensureDemoModel } from '../../native-models/src/tiny/demo-model';
import { quadrantsPng, solidPng, type FixtureFile } from '../fixtures/images';
import { readPngRecipe } from '../fixtures/pngRecipe';
import { expect, test } from '../fixtures/app';

// The models folder of the web server this suite runs (e2e/playwright.config.ts: userData/models).
const modelsRoot = join(tmpdir(), `qwen-edit-e2e-${Number(process.env.QWEN_EDIT_PORT || 5399)}`, 'models');
const MODEL_FOLDER = 'tiny-edit-2511';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A PEFT-layout LoRA for two of the tiny transformer's projections (width 64), rank 2, alpha 4. */
async function tinyLora(): Promise<FixtureFile> {
  const dir = await mkdtemp(join(tmpdir(), 'qe-lora-'));
  const path = join(dir, 'tiny-Lightning-4steps.safetensors');
  const ramp = (n: number, k: number) =>
    Float32Array.from({ length: n }, (_, i) => (((i * k) % 17) - 8) / 400);
  const tensors = ['transformer_blocks.0.attn.to_q', 'transformer_blocks.1.attn.to_v'].flatMap((m, j) => [
    { name: `transformer.${m}.lora_A.weight`, shape: [2, 64], data: ramp(128, 5 + j) },
    { name: `transformer.${m}.lora_B.weight`, shape: [64, 2], data: ramp(128, 7 + j) },
    { name: `transformer.${m}.alpha`, shape: [], data: Float32Array.of(4) },
  ]);
  await writeSafetensors(
    path,
    tensors.map((t) => ({
      name: t.name,
      dtype: 'F32',
      shape: t.shape,
      data: () => f32ToBytes('F32', t.data),
    })),
  );
  const { readFile } = await import('node:fs/promises');
  const buffer = await readFile(path);
  await rm(dir, { recursive: true, force: true });
  return { name: 'tiny-Lightning-4steps.safetensors', mimeType: 'application/octet-stream', buffer };
}

/** Installs the tiny 2511 model folder into the library, as a conversion would leave it. */
async function installTiny2511(): Promise<void> {
  const target = join(modelsRoot, MODEL_FOLDER);
  await rm(target, { recursive: true, force: true });
  await cp(await ensureDemoModel(0, 'edit-2511'), target, { recursive: true });
  await writeFile(
    join(target, 'install.json'),
    JSON.stringify({
      id: 'qwen-image-edit-2511',
      name: 'Tiny Qwen-Image-Edit-2511',
      sourceRepo: null,
      sourceRevision: null,
      sourceHashes: {},
      loras: [],
      installedAt: new Date().toISOString(),
      lastUsed: null,
    }),
  );
}

test('canvas + 2 pictures → chips → LoRA → run on tiny 2511 → recipe holds 3 image hashes and the LoRA → replay', async ({
  studio,
  page,
}) => {
  test.setTimeout(300_000);
  await installTiny2511();
  const models = page.getByRole('dialog', { name: 'Models' });
  const installed = models.getByRole('list', { name: 'Installed models' });
  /** Makes an installed model active (the engine restarts on it); nothing to do when it already is. */
  const activate = async (name: RegExp) => {
    if (!(await models.isVisible())) await page.getByRole('button', { name: 'Models' }).click();
    const item = installed.getByRole('listitem', { name });
    await expect(item).toBeVisible();
    const button = item.getByRole('button', { name: 'Activate' });
    if ((await button.count()) > 0) await button.click();
    await expect(item).toContainText('active', { timeout: 60_000 });
    await studio.waitUntilReady();
  };
  try {
    // The demo first: a run stopped midway may have left the tiny model marked active but not running.
    await activate(/^Demo model/);
    await activate(/^Tiny Qwen-Image-Edit-2511/);
    await models.getByRole('button', { name: 'Close' }).click();

    const canvas = await quadrantsPng(96, 64, 'canvas.png');
    const hat = await solidPng([200, 40, 40], 48, 80, 'hat.png');
    const scarf = await solidPng([40, 180, 90], 90, 40, 'scarf.png');
    const extra = await solidPng([20, 20, 20], 32, 32, 'pasted.png');
    await studio.openByFileInput(canvas);
    await studio.expectImageShown('canvas.png', 96, 64);

    // Two pictures by the picker, a third by pasting onto the Pictures panel, then that one removed.
    const pictures = page.getByTestId('pictures');
    await pictures.getByTestId('picture-input').setInputFiles([hat, scarf]);
    await expect(pictures.getByTestId('reference-picture')).toHaveCount(2);
    await pictures.evaluate((el, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, extra.buffer.toString('base64'));
    await expect(pictures.getByTestId('reference-picture')).toHaveCount(3);
    // Pasting here added a picture; it did not open the pasted image as a new project.
    await studio.expectImageShown('canvas.png', 96, 64);
    await pictures.getByRole('button', { name: 'Remove Picture 4' }).click();
    await expect(pictures.getByTestId('reference-picture')).toHaveCount(2);

    // The chips put each picture's name where the caret is.
    await studio.instruction.fill('put the hat from ');
    await pictures.getByRole('button', { name: 'Picture 2', exact: true }).click();
    await expect(studio.instruction).toBeFocused();
    await page.keyboard.type(' on ');
    await pictures.getByRole('button', { name: 'Picture 1', exact: true }).click();
    await expect(studio.instruction).toBeFocused();
    await page.keyboard.type(' and the scarf from');
    await pictures.getByRole('button', { name: 'Picture 3', exact: true }).click();
    const instruction = 'put the hat from Picture 2 on Picture 1 and the scarf from Picture 3';
    await expect(studio.instruction).toHaveValue(instruction);
    // Reordering swaps the names in the instruction, so it still means the same images; and back.
    await pictures.getByRole('button', { name: 'Move Picture 3 earlier' }).click();
    await expect(studio.instruction).toHaveValue(
      'put the hat from Picture 3 on Picture 1 and the scarf from Picture 2',
    );
    await expect(pictures.getByRole('img', { name: 'Picture 2: scarf.png' })).toBeVisible();
    await pictures.getByRole('button', { name: 'Move Picture 2 later' }).click();
    await expect(studio.instruction).toHaveValue(instruction);

    // A LoRA file added in the LoRA panel, at strength 0.75.
    const loraFile = await tinyLora();
    const loras = page.getByTestId('loras');
    await loras.getByTestId('lora-input').setInputFiles(loraFile);
    await expect(loras.getByTestId('lora-pick')).toHaveCount(1);
    // A Lightning LoRA in the library offers its one-click preset, with the note about small text.
    await expect(loras.getByTestId('lightning-note')).toContainText('weaker on small or dense text');
    await loras.getByRole('button', { name: 'Fast (4 steps)' }).click();
    await expect(page.locator('#steps')).toHaveValue('4');
    await expect(page.locator('#cfg')).toHaveValue('1');
    await loras.locator('#lora-file_tiny-Lightning-4steps_safetensors').fill('0.75');
    await loras.locator('#lora-file_tiny-Lightning-4steps_safetensors').press('Enter');

    await studio.lockSeed(77);
    await studio.setRunSettings({ steps: 4, size: { width: 96, height: 64 } });
    await studio.screenshot('plus-pictures-ready');
    await studio.instruction.press('Control+Enter');
    await studio.waitForRunEnd(180_000);
    await expect(studio.alerts).toHaveCount(0);
    await expect(studio.versionRows).toHaveCount(2);
    await expect(studio.headRow.getByTestId('version-references').getByRole('img')).toHaveCount(2);
    await expect(studio.headRow).toContainText('LoRA tiny-Lightning-4steps.safetensors ×0.75');

    const exported = await studio.exportViewed('PNG');
    const recipe = readPngRecipe(exported.bytes)!.version.recipe as unknown as {
      prompt: string;
      input: string;
      references: { blob: string; width: number; height: number }[];
      loras: { id: string; sha256: string; strength: number }[];
      options: Record<string, unknown>;
      steps: number;
      cfg: number;
    };
    expect(recipe.prompt).toBe(instruction);
    expect(recipe.input).toBe(`${sha256(canvas.buffer)}.png`);
    expect(recipe.references.map((r) => r.blob)).toEqual([
      `${sha256(hat.buffer)}.png`,
      `${sha256(scarf.buffer)}.png`,
    ]);
    expect(recipe.loras).toEqual([
      expect.objectContaining({
        id: 'file:tiny-Lightning-4steps.safetensors',
        sha256: sha256(loraFile.buffer),
        strength: 0.75,
      }),
    ]);
    expect(recipe.options).toMatchObject({
      variant: 'edit-2511',
      imageProcessor: 'fast',
      schedulerPreset: 'lightning',
    });
    expect([recipe.steps, recipe.cfg]).toEqual([4, 1]);

    await page
      .getByRole('group', { name: 'Version actions' })
      .getByRole('button', { name: 'Replay' })
      .click();
    await expect(page.getByTestId('replay-status')).toHaveText('Reproduced byte for byte', {
      timeout: 180_000,
    });
    await studio.screenshot('plus-pictures-replayed');
  } finally {
    await activate(/^Demo model/);
    await rm(join(modelsRoot, MODEL_FOLDER), { recursive: true, force: true });
    await rm(join(modelsRoot, 'loras'), { recursive: true, force: true });
  }
});
