/** What `edit` and `batch` write: a progress bar on stderr, and files that are whole or absent. */
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StepEvent } from '../src/pipeline/edit-request';

/** A one-line progress bar on stderr: step, seconds per step, ETA. */
export function progressBar(label = ''): (e: StepEvent) => void {
  let last = 0;
  let firstAt = 0;
  return (e) => {
    const now = e.elapsedMs;
    if (e.step === 1) firstAt = now;
    const perStep = e.step > 1 ? (now - firstAt) / (e.step - 1) / 1000 : 0;
    const eta = perStep * (e.steps - e.step);
    const width = 24;
    const filled = Math.round((e.step / e.steps) * width);
    const line = `${label}step ${String(e.step).padStart(String(e.steps).length)}/${e.steps} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${perStep ? `${perStep.toFixed(2)} s/step, ETA ${eta.toFixed(0)} s` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(last)}`);
    else if (e.step === e.steps || e.step === 1) process.stderr.write(`${line}\n`);
    last = line.length;
    if (e.step === e.steps && process.stderr.isTTY) process.stderr.write('\n');
  };
}

/** Writes a file atomically (temp + rename), so an interrupted run never leaves a half-written image. */
export async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}
