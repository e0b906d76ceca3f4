/**
 * Per-step preview frames of the running edit, latest wins: frames of other jobs are dropped, and a frame
 * that arrives before the previous one was drawn replaces it (never queued).
 */
import type { PreviewFrame } from '../../../electron/shared/previewFrame';

export class PreviewSink {
  #jobId: string | null = null;
  #latest: PreviewFrame | null = null;
  #version = 0;
  readonly #listeners = new Set<() => void>();

  begin(jobId: string): void {
    this.#jobId = jobId;
    this.#latest = null;
    this.#emit();
  }

  /** The run is over: the final image replaces the preview. */
  end(): void {
    this.#jobId = null;
    this.#latest = null;
    this.#emit();
  }

  offer(frame: PreviewFrame): void {
    if (frame.jobId !== this.#jobId) return;
    this.#latest = frame;
    this.#emit();
  }

  get latest(): PreviewFrame | null {
    return this.#latest;
  }

  /** Changes whenever `latest` does (a cheap snapshot for React). */
  get version(): number {
    return this.#version;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    this.#version++;
    for (const l of this.#listeners) l();
  }
}
