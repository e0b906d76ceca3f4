/** What `edit` and `batch` write: a progress bar on stderr, and files that are whole or absent. */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StepEvent } from '../src/pipeline/edit-request';
import { FileError } from './file-error';
import type { ImageFormat } from './output-target';

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

/**
 * Writes a file atomically (temp + rename), so an interrupted run never leaves a half-written image. A
 * failure names `path`, never the temporary file, and removes what was written.
 */
export async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new FileError('write', path, error);
  }
}

/** The result's pixels in `format` (PNG as the pipeline encoded it; JPEG and WebP at quality 95). */
export async function encodeImage(
  result: Readonly<{ png: Buffer; rgb: Uint8Array; width: number; height: number }>,
  format: ImageFormat,
): Promise<Buffer> {
  if (format === 'png') return result.png;
  const { default: sharp } = await import('sharp');
  const image = sharp(result.rgb, { raw: { width: result.width, height: result.height, channels: 3 } });
  return (format === 'jpeg' ? image.jpeg({ quality: 95 }) : image.webp({ quality: 95 })).toBuffer();
}
