import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingBinaryMessage, nodeVersionProblem } from './startMessage.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

describe('npm start without the Electron binary', () => {
  it('says the binary is missing, the exact commands that get it, and that `npm run web` runs the same app', () => {
    const empty = mkdtempSync(join(tmpdir(), 'qe-no-electron-'));
    try {
      const run = spawnSync(process.execPath, ['build/scripts/start.mjs'], {
        cwd: root,
        encoding: 'utf8',
        // An override folder without the executable is "not installed" whether or not this machine has it.
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ELECTRON_OVERRIDE_DIST_PATH: empty },
      });
      const version = readJson('node_modules/electron/package.json').version as string;
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `${missingBinaryMessage({ electronVersion: version, platform: process.platform, skipDownload: true })}\n`,
      );
      expect(run.stderr).toContain(`The Electron ${version} binary is not installed`);
      expect(run.stderr).toContain(
        'ELECTRON_SKIP_BINARY_DOWNLOAD= node node_modules/electron/install.js && npm start',
      );
      expect(run.stderr).toContain('npm run web');
      expect(run.stderr).not.toMatch(/\bat .*\.m?js:\d+/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('without the skip flag, gives the plain download command', () => {
    const text = missingBinaryMessage({ electronVersion: '45.5.0', platform: 'linux', skipDownload: false });
    expect(text).toContain('  node node_modules/electron/install.js && npm start');
    expect(text).toContain('electron-v45.5.0-linux-<arch>.zip');
  });

  it('refuses a Node older than package.json engines', () => {
    expect(nodeVersionProblem('20.18.3', '>=20.19')).toMatch(
      /Node\.js 20\.18\.3 is too old: .*20\.19\.0 or newer/,
    );
    expect(nodeVersionProblem('20.19.0', '>=20.19')).toBeNull();
    expect(nodeVersionProblem('22.12.0', '>= 22.12.0')).toBeNull();
    expect(nodeVersionProblem('22.11.9', '>=22.12.0')).not.toBeNull();
  });
});

describe('the Node requirement', () => {
  const engines = readJson('package.json').engines.node as string;
  const minimum = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(engines)![1]!;

  it("the README states package.json's engines.node", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${minimum}+`);
  });

  // Electron 45 and electron-builder's @electron/rebuild 4 want Node >= 22.12 (electron-builder < 26.1 would fit
  // Node 20 but pulls @electron/node-gyp from a git URL, which installs nowhere offline): so the floor is 22.12.
  it('every locked package accepts the lowest supported Node', () => {
    const semver = createRequire(join(root, 'package.json'))('semver') as {
      satisfies(version: string, range: string): boolean;
      coerce(version: string): { version: string };
    };
    const lock = readJson('package-lock.json') as {
      packages: Record<string, { version?: string; engines?: { node?: string } }>;
    };
    const lowest = semver.coerce(minimum).version;
    const refusing = Object.entries(lock.packages).flatMap(([path, p]) =>
      path && p.engines?.node && !semver.satisfies(lowest, p.engines.node)
        ? [`${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${p.engines.node}`]
        : [],
    );
    expect(refusing).toEqual([]);
  });
});
