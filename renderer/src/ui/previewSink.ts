/**
 * Per-step preview frames of the running edit, latest wins: frames of other jobs are dropped, and a frame
 * that arrives before the previous one was drawn replaces it (never queued). Each frame is acknowledged once
 * the canvas has painted it (or it is dropped), which is what lets the sender send the next one.
 */
import type { PreviewFrame } from '../../../electron/shared/previewFrame';

export class PreviewSink {
  #jobId: string | null = null;
  #latest: PreviewFrame | null = null;
  #version = 0;
  #ack: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();

  begin(jobId: string): void {
    this.#settle();
    this.#jobId = jobId;
    this.#latest = null;
    this.#emit();
  }

  /** The run is over: the final image replaces the preview. */
  end(): void {
    this.#settle();
    this.#jobId = null;
    this.#latest = null;
    this.#emit();
  }

  offer(frame: PreviewFrame, ack: () => void): void {
    this.#settle();
    if (frame.jobId !== this.#jobId) return ack();
    this.#latest = frame;
    this.#ack = ack;
    this.#emit();
    // Nothing on screen will paint it.
    if (this.#listeners.size === 0) this.#settle();
  }

  /** The canvas has painted `latest` (or given up on it): the sender may send the next frame. */
  painted(): void {
    this.#settle();
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
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#settle();
    };
  }

  #settle(): void {
    const ack = this.#ack;
    this.#ack = null;
    ack?.();
  }

  #emit(): void {
    this.#version++;
    for (const l of this.#listeners) l();
  }
}
