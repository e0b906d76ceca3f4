/**
 * The edit queue (issue 13 §2) in the order the app side will run it: each waiting edit can move up or down or
 * be cancelled. A running edit this page did not start here (one queued before a reload) is listed too, so
 * it can still be cancelled.
 */
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';

export function QueueList() {
  const { editor } = useServices();
  const queue = useAppStore((s) => s.queue);
  const ownJobId = useAppStore((s) => s.jobId);
  const waiting = queue.filter((j) => j.state === 'queued');
  const adopted = queue.filter((j) => j.state === 'running' && j.jobId !== ownJobId);
  if (waiting.length === 0 && adopted.length === 0) return null;
  return (
    <ol className="queue" aria-label="Queued edits">
      {adopted.map((j) => (
        <li key={j.jobId} data-state="running">
          <span className="queue-prompt">
            Running: {j.prompt} · seed {j.seed}
          </span>
          <button
            type="button"
            className="button"
            aria-label={`Cancel running: ${j.prompt}`}
            onClick={() => void editor.cancelJob(j.jobId)}
          >
            ×
          </button>
        </li>
      ))}
      {waiting.map((j, i) => (
        <li key={j.jobId} data-state="queued">
          <span className="queue-prompt">
            {j.prompt} · seed {j.seed}
          </span>
          <span className="queue-buttons">
            <button
              type="button"
              className="button"
              aria-label={`Move up: ${j.prompt}`}
              disabled={i === 0}
              onClick={() => void editor.moveJob(j.jobId, i - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="button"
              aria-label={`Move down: ${j.prompt}`}
              disabled={i === waiting.length - 1}
              onClick={() => void editor.moveJob(j.jobId, i + 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="button"
              aria-label={`Cancel queued: ${j.prompt}`}
              onClick={() => void editor.cancelJob(j.jobId)}
            >
              ×
            </button>
          </span>
        </li>
      ))}
    </ol>
  );
}
