/**
 * Live state in web mode: a second tab on the same project follows the first one's changes, and a page whose
 * server restarts reconnects by itself (and says so) instead of staying broken until a reload.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { quadrantsPng } from '../fixtures/images';
import { expect, test } from '../fixtures/app';
import { StudioPage } from '../pages/StudioPage';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('a second tab on the same project shows the first tab’s changes as they happen', async ({
  studio,
  page,
}) => {
  await studio.openByFileInput(await quadrantsPng(64, 48, 'live-tabs.png'));
  await expect(studio.versionRows).toHaveCount(1);

  const other = new StudioPage(await page.context().newPage());
  await other.open();
  await other.openRecent(/^live-tabs/);
  await expect(other.versionRows).toHaveCount(1);

  await studio.versionRows.nth(0).click();
  await studio.versionRows.nth(0).press('F2');
  await page.getByLabel('Version label').fill('seen in both tabs');
  await page.getByLabel('Version label').press('Enter');
  await expect(studio.versionRows.nth(0)).toContainText('seen in both tabs');
  await expect(other.versionRows.nth(0)).toContainText('seen in both tabs');
  await other.page.close();
});

/** Starts `npm run web`'s entry on `port` and resolves with the URL it prints. */
async function startServer(
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web/server.entry.ts'], {
    cwd: root,
    env: { ...process.env, ...env, QWEN_EDIT_HOST: '127.0.0.1', QWEN_EDIT_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const url = /is running at (\S+)/.exec(line)?.[1];
    if (url) {
      child.stdout!.resume();
      return { child, url };
    }
  }
  throw new Error('the web server exited before printing its URL');
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('the page reconnects after its server restarts, says so, and keeps working on its project', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const port = Number(process.env.QWEN_EDIT_PORT || 5399) + 11;
  // The same data folder and token on both launches, as a user restarting `npm run web` with QWEN_EDIT_TOKEN has.
  const env = {
    QWEN_EDIT_USER_DATA: mkdtempSync(join(tmpdir(), 'qwen-edit-e2e-restart-')),
    QWEN_EDIT_TOKEN: randomBytes(16).toString('hex'),
  };
  let server = await startServer(port, env);
  try {
    const studio = new StudioPage(page);
    await studio.openAt(server.url);
    await studio.openByFileInput(await quadrantsPng(64, 48, 'restart.png'));
    await expect(studio.versionRows).toHaveCount(1);

    await stopServer(server.child);
    await expect(studio.engineState).toHaveText('Disconnected');
    server = await startServer(port, env);
    await expect(page.getByText('Reconnected', { exact: true })).toBeVisible({ timeout: 30_000 });
    await studio.waitUntilReady();

    // The project was opened again on the new server: a change goes through and shows.
    await studio.versionRows.nth(0).click();
    await studio.versionRows.nth(0).press('F2');
    await page.getByLabel('Version label').fill('after the restart');
    await page.getByLabel('Version label').press('Enter');
    await expect(studio.versionRows.nth(0)).toContainText('after the restart');
  } finally {
    await stopServer(server.child);
  }
});
