/**
 * The end-to-end check, timed as a user runs it: `npx qwen-edit edit` without `--model` (the tiny
 * demo model) on a 512×512 image, 8 steps, CFG 4, each run a fresh process. First with an empty cache (the
 * demo checkpoint is generated and converted), then three warm runs: seeds 7, 7 and 8. Reports each wall
 * time and whether the outputs are PNGs of 512×512, byte-identical for the same seed and different for
 * another.
 *
 * `CLI_EDIT_BENCH_SIZE=1024` changes the image and output size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { BenchResult } from './run';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

type Run = { label: string; seed: number; seconds: number; out: string; exitCode: number };

export async function run(): Promise<BenchResult> {
  const size = Number(process.env.CLI_EDIT_BENCH_SIZE ?? 512);
  const work = mkdtempSync(join(tmpdir(), 'cli-edit-bench-'));
  const coldCache = join(work, 'cache');
  const input = join(work, 'in.png');
  // A picture with structure (gradient + square), so the edit has something to encode.
  const rgb = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const square = x > size / 4 && x < size / 2 && y > size / 4 && y < size / 2;
      rgb.set(square ? [250, 240, 20] : [(x * 255) / size, (y * 255) / size, 128], (y * size + x) * 3);
    }
  }
  await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(input);

  const edit = (label: string, seed: number, cache: string | undefined): Run => {
    const out = join(work, `${label}.png`);
    const args = ['--no-install', 'qwen-edit', 'edit', '--image', input, '--prompt', 'turn the square blue'];
    args.push(
      '--steps',
      '8',
      '--cfg',
      '4',
      '--seed',
      String(seed),
      '--size',
      `${size}x${size}`,
      '--out',
      out,
    );
    const env = { ...process.env, QWEN_EDIT_EP: 'cpu', ...(cache ? { QWEN_EDIT_CACHE: cache } : {}) };
    const start = performance.now();
    const child = spawnSync('npx', args, { cwd: repoRoot, env, encoding: 'utf8' });
    const seconds = (performance.now() - start) / 1000;
    if (child.status !== 0) console.error(child.stderr);
    return { label, seed, seconds, out, exitCode: child.status ?? -1 };
  };

  try {
    const runs = [
      edit('cold', 7, coldCache),
      edit('warm-a', 7, undefined),
      edit('warm-b', 7, undefined),
      edit('warm-c', 8, undefined),
    ];
    const [cold, a, b, c] = runs as [Run, Run, Run, Run];
    const meta = await Promise.all(runs.map((r) => sharp(r.out).metadata()));
    const bytes = (r: Run) => readFileSync(r.out);
    const figures = {
      size,
      steps: 8,
      cfg: 4,
      runs: runs.map((r, i) => ({
        label: r.label,
        seed: r.seed,
        seconds: r.seconds,
        exitCode: r.exitCode,
        png: `${meta[i]!.format} ${meta[i]!.width}x${meta[i]!.height}`,
      })),
      allPngOfSize: meta.every((m) => m.format === 'png' && m.width === size && m.height === size),
      sameSeedIdentical: bytes(a).equals(bytes(b)) && bytes(a).equals(bytes(cold)),
      otherSeedDiffers: !bytes(a).equals(bytes(c)),
      slowestWarmSeconds: Math.max(a.seconds, b.seconds, c.seconds),
      coldSeconds: cold.seconds,
    };
    const table = [
      `npx qwen-edit edit (tiny demo model, CPU), ${size}x${size}, 8 steps, CFG 4; one process per run`,
      'run    | seed | wall s | exit | output',
      ...figures.runs.map(
        (r) =>
          `${r.label.padEnd(6)} | ${String(r.seed).padStart(4)} | ${r.seconds.toFixed(1).padStart(6)} | ${String(r.exitCode).padStart(4)} | ${r.png}`,
      ),
      `same seed byte-identical (cold, a, b): ${figures.sameSeedIdentical}; other seed differs: ${figures.otherSeedDiffers}; all PNG ${size}x${size}: ${figures.allPngOfSize}`,
    ].join('\n');
    return { name: 'cli-edit', figures, table };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
