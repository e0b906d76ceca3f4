/**
 * The edit that is running (one at a time): its id, progress as the engine reports it, and the last
 * failure with the settings that produced it (for Retry). Preview pixels are not kept here: they go straight
 * to the canvas' preview layer.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppError } from '../../../electron/shared/result';
import type { EditSettings, JobStage } from '../../../electron/shared/contract';
import type { AppState } from './appStore';

export type JobStatus = 'idle' | 'running' | 'cancelling';

export type JobProgress = Readonly<{
  step: number;
  total: number;
  elapsedMs: number;
  firstStepMs: number | null;
  /** What the engine said it is doing; null until it says anything (the job may wait in the queue). */
  stage: JobStage | null;
}>;

export type JobFailure = Readonly<{ error: AppError; parentId: string; settings: EditSettings }>;

export type JobSlice = {
  jobStatus: JobStatus;
  jobId: string | null;
  jobParentId: string | null;
  progress: JobProgress | null;
  lastFailure: JobFailure | null;
  startJob(jobId: string, parentId: string, total: number): void;
  /** A `job:progress` event; ignored unless it is for the running job. */
  applyProgress(event: {
    jobId: string;
    step: number;
    total: number;
    elapsedMs: number;
    stage?: JobStage;
  }): void;
  requestCancel(): void;
  /** The run ended (done, cancelled or failed): the UI is ready for the next one. */
  endJob(failure?: JobFailure): void;
  clearFailure(): void;
};

export const createJobSlice: StateCreator<AppState, [], [], JobSlice> = (set, get) => ({
  jobStatus: 'idle',
  jobId: null,
  jobParentId: null,
  progress: null,
  lastFailure: null,
  startJob: (jobId, parentId, total) =>
    set({
      jobStatus: 'running',
      jobId,
      jobParentId: parentId,
      progress: { step: 0, total, elapsedMs: 0, firstStepMs: null, stage: null },
      lastFailure: null,
    }),
  applyProgress: ({ jobId, step, total, elapsedMs, stage = 'denoising' }) => {
    const s = get();
    if (s.jobId !== jobId || s.jobStatus === 'idle' || !s.progress) return;
    // Only denoising steps move the step count and its timing; the other stages name what is happening.
    if (stage !== 'denoising') return set({ progress: { ...s.progress, stage } });
    const firstStepMs = s.progress.firstStepMs ?? (step >= 1 ? elapsedMs : null);
    set({ progress: { step, total, elapsedMs, firstStepMs, stage } });
  },
  requestCancel: () => {
    if (get().jobStatus === 'running') set({ jobStatus: 'cancelling' });
  },
  endJob: (failure) =>
    set({ jobStatus: 'idle', jobId: null, jobParentId: null, progress: null, lastFailure: failure ?? null }),
  clearFailure: () => set({ lastFailure: null }),
});

export type ProgressFigures = Readonly<{
  step: number;
  total: number;
  fraction: number;
  /** Seconds per denoising step, from the steps after the first (the first also encodes the prompt). */
  secondsPerStep: number | null;
  etaSeconds: number | null;
}>;

export function progressFigures(p: JobProgress | null): ProgressFigures | null {
  if (!p) return null;
  const fraction = p.total > 0 ? Math.min(1, p.step / p.total) : 0;
  let secondsPerStep: number | null = null;
  if (p.step >= 2 && p.firstStepMs !== null)
    secondsPerStep = (p.elapsedMs - p.firstStepMs) / 1000 / (p.step - 1);
  else if (p.step === 1) secondsPerStep = p.elapsedMs / 1000;
  const etaSeconds = secondsPerStep === null ? null : Math.max(0, secondsPerStep * (p.total - p.step));
  return { step: p.step, total: p.total, fraction, secondsPerStep, etaSeconds };
}

/**
 * What the progress line says instead of "Step n/N" while no step runs: waiting behind other edits, opening
 * the model, encoding, decoding. Null while denoising (the step figures say it).
 */
export function stageText(p: JobProgress | null, waitingInQueue: boolean): string | null {
  if (!p || p.stage === 'denoising') return null;
  if (waitingInQueue) return 'Waiting for the edits before it…';
  switch (p.stage) {
    case null:
      return 'Starting…';
    case 'loading-model':
      return 'Loading the model (the first edit only)…';
    case 'encoding':
      return 'Encoding the prompt and image…';
    case 'decoding':
      return 'Decoding the result…';
  }
}

/** `12 s`, `2 min 05 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}
