/**
 * The e2e suite: real Chromium (Debian's /usr/bin/chromium) driving the real web mode — the web server,
 * its engine child process and the built renderer — plus an Electron spec where Electron's binary exists.
 * `npm run test:e2e` builds the renderer first.
 */
import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.QWEN_EDIT_PORT || 5399);
/** A throwaway data folder: the suite never touches the user's own settings or models. */
const userData = join(tmpdir(), `qwen-edit-e2e-${port}`);
/**
 * Web mode's access token for this run. Set in the environment, not just a constant, because Playwright
 * loads this file again in each worker: the workers inherit the runner's environment, so the pages they
 * open (StudioPage.open) present the token the server was started with.
 */
process.env.QWEN_EDIT_TOKEN ||= randomBytes(16).toString('hex');
const token = process.env.QWEN_EDIT_TOKEN;
const chromiumPath = process.env.QWEN_EDIT_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(join(root, 'renderer/dist/index.html'))) {
  throw new Error(
    'renderer/dist is missing: run `npm run build:renderer` first (`npm run test:e2e` does it)',
  );
}
if (!existsSync(chromiumPath)) {
  throw new Error(`${chromiumPath} is missing: install it with \`apt-get install -y chromium\``);
}

export default defineConfig({
  testDir: './specs',
  outputDir: './artifacts/test-results',
  // One worker: the machine has two cores, and the engine process needs one.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['./reporters/skipReasons.ts'],
    ['html', { outputFolder: './artifacts/report', open: 'never' }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'web', testIgnore: /electron\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
  webServer: {
    command: 'npx tsx electron/web/server.entry.ts',
    cwd: root,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      QWEN_EDIT_PORT: String(port),
      QWEN_EDIT_HOST: '127.0.0.1',
      QWEN_EDIT_USER_DATA: userData,
      QWEN_EDIT_TOKEN: token,
    },
  },
});
