/**
 * The text generator's other uses (issue 16) on the real engine and the tiny demo model (random weights: the
 * text is gibberish, so the specs check the flow and that the page shows exactly what the engine answered,
 * read off the WebSocket): "Read text" in the text tool lists the lines found in the box and picking one
 * fills "Current text"; "Describe" in a version's context menu streams a caption beside it, which copies.
 */
import type { Page } from '@playwright/test';
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';
import type { StudioPage } from '../pages/StudioPage';

type TextAnswer = {
  params: {
    task: string;
    versionId: string;
    region?: { x: number; y: number; width: number; height: number };
  };
  value: { text: string; lines?: { text: string }[]; demo: boolean };
};

/** Every answered `text:generate` request of the page's WebSocket, with its parameters. */
function recordTextAnswers(page: Page): TextAnswer[] {
  const answers: TextAnswer[] = [];
  const asked = new Map<number, TextAnswer['params']>();
  const parse = (payload: string | Buffer) => {
    try {
      return JSON.parse(payload.toString()) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const m = parse(payload);
      if (m?.kind === 'request' && m.method === 'text:generate')
        asked.set(m.id as number, m.params as TextAnswer['params']);
    });
    ws.on('framereceived', ({ payload }) => {
      const m = parse(payload);
      const params = m?.kind === 'response' ? asked.get(m.id as number) : undefined;
      const result = m?.result as { ok: boolean; value: TextAnswer['value'] } | undefined;
      if (params && result?.ok) answers.push({ params, value: result.value });
    });
  });
  return answers;
}

async function dragOnImage(studio: StudioPage, from: [number, number], to: [number, number]) {
  const a = await studio.imagePointToClient(...from);
  const b = await studio.imagePointToClient(...to);
  await studio.page.mouse.move(a.x, a.y);
  await studio.page.mouse.down();
  await studio.page.mouse.move(b.x, b.y, { steps: 4 });
  await studio.page.mouse.up();
}

test('read text: the lines found in the box are listed, and picking one fills "Current text"', async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  const answers = recordTextAnswers(page);
  await studio.open(); // again, so the recorder sees the page's WebSocket from its start
  await studio.openByFileInput(await quadrantsPng(256, 192, 'poster.png'));
  await studio.expectImageShown('poster.png', 256, 192);
  await page.getByRole('button', { name: 'Text', exact: true }).click();
  await dragOnImage(studio, [20, 20], [150, 100]);
  const tool = page.getByRole('group', { name: 'Text tool' });
  await expect(tool.getByText(/^Area \d+×\d+ at 20,20$/)).toBeVisible();

  await tool.getByRole('button', { name: 'Read text' }).click();
  await expect(tool.getByText('Demo model (random weights): these lines are gibberish.')).toBeVisible({
    timeout: 150_000,
  });
  expect(answers).toHaveLength(1);
  const [answer] = answers;
  expect(answer!.params.task).toBe('ocr');
  // The engine read the box, not the whole image.
  expect(answer!.params.region).toMatchObject({ x: 20, y: 20 });
  const lines = answer!.value.lines ?? [];
  const listed = tool.getByRole('list', { name: 'Text found' }).getByRole('button');
  // Greedy decoding on the demo model is deterministic: this box gives gibberish lines, not blank ones.
  expect(lines.length).toBeGreaterThan(0);
  await expect(listed).toHaveText(lines.map((l) => l.text));
  await studio.screenshot('read-text');
  const pick = lines.length - 1;
  await listed.nth(pick).click();
  await expect(tool.getByLabel('Current text')).toHaveValue(lines[pick]!.text);
  await expect(tool.getByRole('list', { name: 'Text found' })).toHaveCount(0);
});

test('describe: a version’s context action streams a caption beside it, equal to the engine’s, and copies it', async ({
  studio,
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const answers = recordTextAnswers(page);
  await studio.open();
  await studio.openByFileInput(await quadrantsPng(128, 96, 'photo.png'));
  await studio.expectImageShown('photo.png', 128, 96);
  const row = studio.versionRows.first();

  await row.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Version menu' }).getByRole('menuitem', { name: 'Describe' }).click();
  const caption = row.getByTestId('version-caption');
  // Streaming: text appears while the caption is still being written.
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-testid="version-caption"]');
      return !!c && (c.textContent ?? '').length > 0 && c.getAttribute('aria-busy') === 'true';
    },
    undefined,
    { polling: 'raf', timeout: 120_000 },
  );
  await expect(row.getByText('Demo model (random weights): this caption is gibberish.')).toBeVisible({
    timeout: 150_000,
  });
  await expect(caption).toHaveAttribute('aria-busy', 'false');
  expect(answers.map((a) => a.params.task)).toEqual(['describe']);
  const versionId = await row.getAttribute('data-version-id');
  expect(answers[0]!.params.versionId).toBe(versionId);
  const text = answers[0]!.value.text;
  await expect(caption).toHaveText(text);
  await studio.screenshot('describe-version');

  await row.getByRole('button', { name: 'Copy' }).click();
  await expect(row.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

  // The keyboard reaches the same menu: Shift+F10 on the focused row.
  await row.getByRole('button', { name: 'Close' }).click();
  await expect(caption).toHaveCount(0);
  await row.focus();
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menuitem', { name: 'Describe' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Version menu' })).toHaveCount(0);
});
