/** Run and Cancel (Esc), the progress bar with step n/N, seconds per step and ETA, and the last error with Retry. */
import { useServices } from '../../actions/services';
import { formatDuration, progressFigures, stageText } from '../../state/jobSlice';
import { useAppStore } from '../../state/useAppStore';
import { BATCH_RANGE } from '../../state/variationsSlice';
import { QueueList } from './QueueList';

export function RunBar() {
  const { editor } = useServices();
  const status = useAppStore((s) => s.jobStatus);
  const progress = useAppStore((s) => s.progress);
  const failure = useAppStore((s) => s.lastFailure);
  const hasProject = useAppStore((s) => s.project !== null);
  const readOnly = useAppStore((s) => s.project?.readOnly ?? false);
  const hasPrompt = useAppStore((s) => s.prompt.trim() !== '');
  const batchCount = useAppStore((s) => s.batchCount);
  const setBatchCount = useAppStore((s) => s.setBatchCount);
  const figures = progressFigures(progress);
  const waitingInQueue = useAppStore((s) => s.queue.some((j) => j.jobId === s.jobId && j.state === 'queued'));
  const stage = stageText(progress, waitingInQueue);
  const running = status !== 'idle';
  return (
    <div className="run-bar">
      <div className="run-buttons">
        <button
          type="button"
          className="button button-primary run"
          disabled={running || !hasProject || readOnly || !hasPrompt}
          onClick={() => void editor.runBatch()}
          title="Run the edit on the version shown (Ctrl+Enter)"
        >
          Run
        </button>
        {running && (
          <button
            type="button"
            className="button"
            disabled={readOnly || !hasPrompt}
            onClick={() => void editor.enqueue()}
            title="Queue this edit: it runs when the ones before it end (Ctrl+Enter)"
          >
            Queue
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={status !== 'running'}
          onClick={() => void editor.cancel()}
          title="Cancel the running edit (Esc)"
        >
          {status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
        </button>
        <select
          className="field batch-count"
          aria-label="Variations"
          title="How many seeds one Run makes (seed, seed+1, …); several open a grid to keep some of"
          value={batchCount}
          disabled={running}
          onChange={(e) => setBatchCount(Number(e.currentTarget.value))}
        >
          {Array.from({ length: BATCH_RANGE.max }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              ×{n}
            </option>
          ))}
        </select>
      </div>
      <QueueList />
      {running && figures && (
        <div className="progress" data-testid="progress">
          <progress
            max={figures.total}
            value={figures.step}
            aria-label="Edit progress"
            aria-valuetext={`step ${figures.step} of ${figures.total}`}
          />
          <p className="progress-text" role="status">
            {stage ?? `Step ${figures.step}/${figures.total}`}
            {!stage && figures.secondsPerStep !== null && ` · ${figures.secondsPerStep.toFixed(2)} s/step`}
            {!stage && figures.etaSeconds !== null && ` · ETA ${formatDuration(figures.etaSeconds)}`}
          </p>
        </div>
      )}
      {!running && failure && (
        <div className="run-error" role="alert">
          <p>
            <strong>The edit failed:</strong> {failure.error.message}
          </p>
          <button type="button" className="button" onClick={() => void editor.retry()}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
}
