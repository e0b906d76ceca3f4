/**
 * The same walking skeleton in the Electron shell (IPC transport, app:// protocol, utilityProcess engine,
 * preview frames over a MessagePort from the engine straight to the page). Runs where Electron's binary is
 * installed; elsewhere it reports skipped with the reason.
 */
import { _electron as electron, type ElectronApplication } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUADRANTS, quadrantsPng, textFile } from '../fixtures/images';
import { expect, test } from '@playwright/test';
import { StudioPage } from '../pages/StudioPage';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where `require('electron')` would point: the binary named by node_modules/electron/path.txt. */
function findElectron(): { path: string | null; reason: string } {
  const pkg = join(root, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) {
    return {
      path: null,
      reason: `Electron binary not installed: ${pathTxt} is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?). Run \`node node_modules/electron/install.js\` to fetch it.`,
    };
  }
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary))
    return { path: null, reason: `Electron binary not installed: ${binary} is missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { path: null, reason: 'Electron needs a display: run the suite under `xvfb-run -a`' };
  }
  return { path: binary, reason: '' };
}

const electronBinary = findElectron();
const hasElectron = electronBinary.path !== null;

test.describe('Electron shell', () => {
  test.skip(!hasElectron, electronBinary.reason);
  test.describe.configure({ mode: 'serial', timeout: 180_000 });

  let app: ElectronApplication;
  let userData: string;

  test.beforeAll(async () => {
    // The Electron entry points are bundled into out/ by `npm run build`.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    userData = mkdtempSync(join(tmpdir(), 'qwen-edit-electron-e2e-'));
    app = await electron.launch({
      executablePath: electronBinary.path!,
      args: ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      cwd: root,
      env: { ...process.env, QWEN_EDIT_USER_DATA: userData, QWEN_EDIT_E2E: '1' },
    });
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('the window loads over IPC, shows the engine info, and opens and draws a PNG', async () => {
    const page = await app.firstWindow();
    const studio = new StudioPage(page);
    await studio.waitUntilReady();
    expect(await page.evaluate(() => typeof window.qwenEdit)).toBe('object');
    await expect(studio.runtime).toHaveText(/^ORT \d+\.\d+\.\d+ · .*\bcpu\b/);

    await studio.openByFileInput(await quadrantsPng(64, 48));
    await studio.expectImageShown('quadrants.png', 64, 48);
    // Pixel checks need the e2e hook for coordinates; without it, check the centre of the canvas area.
    const box = (await studio.canvasArea.boundingBox())!;
    const topLeftQuadrant = { x: box.x + box.width / 2 - 5, y: box.y + box.height / 2 - 5 };
    await expect.poll(async () => studio.canvasPixelAt(topLeftQuadrant)).toEqual([...QUADRANTS.topLeft]);

    await studio.openByFileInput(textFile('notes.txt'));
    await expect(studio.alerts.filter({ hasText: "Couldn't open notes.txt" })).toBeVisible();
    await studio.screenshot('electron-window');
  });

  test('preview frames reach the page over the engine MessagePort, brokered again after a reload', async () => {
    const page = await app.firstWindow();
    const studio = new StudioPage(page);
    // Frames have no IPC channel: the bridge carries requests, events and the drop hand-off only.
    expect(await page.evaluate(() => Object.keys(window.qwenEdit!).sort())).toEqual([
      'dropFiles',
      'onEvent',
      'request',
    ]);
    for (const round of ['first load', 'after reload']) {
      if (round === 'after reload') await page.reload();
      await studio.waitUntilReady();
      await studio.openByFileInput(await quadrantsPng(96, 64, `port-${round.replace(' ', '-')}.png`));
      await studio.instruction.fill('make it purple');
      await studio.setRunSettings({ steps: 6 });
      const before = await page.evaluate(() => window.__qeTest!.previewVersion());
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await studio.waitForRunEnd();
      // The run's begin and end count 2; anything beyond is frames painted from the port.
      const after = await page.evaluate(() => window.__qeTest!.previewVersion());
      expect(after - before, round).toBeGreaterThan(2);
    }
  });

  test('the native menus follow the app state, with accelerators from the shared shortcut table', async () => {
    const items = () =>
      app.evaluate(({ Menu }) => {
        const found: Record<string, { enabled: boolean; accelerator: string | null }> = {};
        const walk = (menu: Electron.Menu) =>
          menu.items.forEach((item) => {
            if (item.id) found[item.id] = { enabled: item.enabled, accelerator: item.accelerator ?? null };
            if (item.submenu) walk(item.submenu);
          });
        walk(Menu.getApplicationMenu()!);
        return found;
      });
    const menu = await items();
    expect(menu.undo).toEqual({ enabled: false, accelerator: 'CmdOrCtrl+Z' });
    expect(menu.newFromImage?.enabled).toBe(true);
    expect(menu.run?.enabled).toBe(false);
  });

  test('File ▸ New from image (dialog stubbed) → Run ▸ Run → File ▸ Export ▸ PNG writes the file', async () => {
    const page = await app.firstWindow();
    const studio = new StudioPage(page);
    await studio.waitUntilReady();
    const dir = mkdtempSync(join(tmpdir(), 'qwen-edit-electron-menu-'));
    const image = join(dir, 'quadrants.png');
    writeFileSync(image, (await quadrantsPng(64, 48)).buffer);
    const exported = join(dir, 'out.png');
    await app.evaluate(
      ({ dialog }, paths) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [paths.image] })) as never;
        dialog.showSaveDialog = (async () => ({ canceled: false, filePath: paths.exported })) as never;
      },
      { image, exported },
    );
    const click = (id: string) =>
      app.evaluate(({ Menu, BrowserWindow }, id) => {
        Menu.getApplicationMenu()!.getMenuItemById(id)!.click(undefined, BrowserWindow.getAllWindows()[0]);
      }, id);
    const enabled = (id: string) =>
      app.evaluate(({ Menu }, id) => Menu.getApplicationMenu()!.getMenuItemById(id)?.enabled ?? null, id);
    await click('newFromImage');
    await studio.expectImageShown('quadrants.png', 64, 48);
    // The page reported its state: the menus enable Export and Run now.
    await expect.poll(() => enabled('exportPng')).toBe(true);
    await expect.poll(() => enabled('run')).toBe(true);
    await studio.instruction.fill('make it purple');
    await studio.setRunSettings({ steps: 4 });
    const versions = (await studio.project())!.versionIds.length;
    await click('run');
    await expect
      .poll(async () => (await studio.project())!.versionIds.length, { timeout: 60_000 })
      .toBe(versions + 1);
    await studio.waitForRunEnd();
    await click('exportPng');
    await expect.poll(() => existsSync(exported)).toBe(true);
    expect(readFileSync(exported).subarray(1, 4).toString()).toBe('PNG');
    // A path nobody picked stays closed to the page.
    const refused = await page.evaluate(
      (path) => window.qwenEdit!.request('shell:readPicked', { path }),
      join(dir, 'not-picked.png'),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    rmSync(dir, { recursive: true, force: true });
  });
});
