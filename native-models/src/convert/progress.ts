/**
 * A conversion progress bar on stderr: checkpoint bytes converted of a total known before the first
 * byte is written, rate and ETA. On a TTY it redraws one line in place (at most 10 times a second);
 * otherwise it prints a plain line per stage so logs stay readable.
 */
export type ProgressSink = {
  /** A new stage (component) starts. */
  stage(label: string): void;
  /** Checkpoint bytes converted so far in total. */
  update(bytesDone: number): void;
  finish(): void;
};

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** Formats one progress line (exported for tests). */
export function progressLine(
  label: string,
  done: number,
  total: number,
  elapsedSeconds: number,
  width = 24,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? Math.max(0, total - done) / rate : Infinity;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${mb(done)} / ${mb(total)}  ${mb(rate)}/s  ETA ${duration(eta)}  ${label}`;
}

export function stderrProgress(
  totalBytes: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressSink {
  const start = performance.now();
  let label = '';
  let done = 0;
  let lastDraw = 0;
  const tty = stream.isTTY === true;
  const elapsed = () => (performance.now() - start) / 1000;
  const draw = () => stream.write(`\r${progressLine(label, done, totalBytes, elapsed())}\x1b[K`);
  return {
    stage(next) {
      label = next;
      if (tty) draw();
      else stream.write(`${progressLine(label, done, totalBytes, elapsed())}\n`);
    },
    update(bytes) {
      // A late poll of a component's folder can report less than the share credited since.
      done = Math.max(done, bytes);
      if (tty && performance.now() - lastDraw > 100) {
        lastDraw = performance.now();
        draw();
      }
    },
    finish() {
      label = 'done';
      if (tty) {
        draw();
        stream.write('\n');
      } else stream.write(`${progressLine(label, done, totalBytes, elapsed())}\n`);
    },
  };
}

export const silentProgress: ProgressSink = {
  stage: () => undefined,
  update: () => undefined,
  finish: () => undefined,
};
