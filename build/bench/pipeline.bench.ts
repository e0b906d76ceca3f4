/**
 * The edit pipeline on the tiny model, each case (input side × steps, CFG 4) in its own child process
 * (pipeline-case.ts), so peak RSS is per case, not cumulative. Reported apart: the cold run (session
 * creation and first shapes), the measured run (every encoder runs, no cache hit, sessions exist: vision,
 * text, VAE encode, transformer per step, host per step = scheduler + CFG + packing + preview + IPC send of
 * the preview, VAE decode) and the cached run (same image and prompt, another seed: encoders skipped).
 *
 * `PIPELINE_BENCH_CASES=512x8,1024x8` picks cases; `PIPELINE_BENCH_THREADS` sets ORT's intra-op threads.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureDemoModel } from '../../native-models/src';
import type { BenchResult } from './run';

type CaseFigures = Record<string, number | string>;

function cases(): [number, number][] {
  const spec = process.env.PIPELINE_BENCH_CASES ?? '512x8,512x50,1024x8,1024x50';
  return spec.split(',').map((c) => c.split('x').map(Number) as [number, number]);
}

/** Runs one case in a child with an IPC channel (the previews travel over it) and returns its JSON line. */
function runCase(side: number, steps: number): Promise<CaseFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, join(import.meta.dirname, 'pipeline-case.ts'), String(side), String(steps)],
      { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'advanced' },
    );
    let out = '';
    let previews = 0;
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('message', () => previews++);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`case ${side}x${steps} exited with ${code}`));
      const figures = JSON.parse(out.trim().split('\n').at(-1)!) as CaseFigures;
      resolve({ ...figures, previewsReceived: previews });
    });
  });
}

export async function run(): Promise<BenchResult> {
  await ensureDemoModel(0); // built once here, not inside the first case
  const figures: Record<string, unknown> = { loadBefore: loadavg(), cases: [] as CaseFigures[] };
  const rows: string[] = [];
  let provider = '';
  for (const [side, steps] of cases()) {
    const c = await runCase(side, steps);
    provider = String(c.provider);
    (figures.cases as CaseFigures[]).push(c);
    const n = (k: string, digits = 0) => Number(c[k]).toFixed(digits);
    rows.push(
      [
        c.input,
        String(steps),
        n('coldTotalMs'),
        n('visionMs'),
        n('textMs'),
        n('vaeEncodeMs'),
        n('transformerPerStepMs', 1),
        n('hostPerStepMs', 2),
        n('previewPerStepMs', 2),
        n('ipcSendPerStepMs', 3),
        `${(Number(c.hostOverTransformer) * 100).toFixed(2)}%`,
        n('vaeDecodeMs'),
        (Number(c.measuredTotalMs) / 1000).toFixed(2),
        (Number(c.cachedTotalMs) / 1000).toFixed(2),
        n('peakRssMB'),
      ].join(' | '),
    );
  }
  figures.loadAfter = loadavg();
  const header =
    'input | steps | cold ms (sessions + first shapes) | vision ms | text ms | VAE enc ms | transformer ms/step (2 passes) | host ms/step (incl. preview + IPC) | preview ms/step | IPC send ms/step | host/transformer | VAE dec ms | measured total s | cached total s | peak RSS MB (this case)';
  const table = [
    `tiny model, ${provider.toUpperCase()}, CFG 4; one child process per case; medians over steps; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join('/')}`,
    header,
    ...rows,
  ].join('\n');
  return { name: 'pipeline', figures, table };
}
