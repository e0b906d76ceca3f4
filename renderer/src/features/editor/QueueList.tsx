/** The edits waiting their turn (issue 13 §2), in the order the app side will run them, each cancellable. */
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';

export function QueueList() {
  const { editor } = useServices();
  const queue = useAppStore((s) => s.queue);
  const waiting = queue.filter((j) => j.state === 'queued');
  if (waiting.length === 0) return null;
  return (
    <ol className="queue" aria-label="Queued edits">
      {waiting.map((j) => (
        <li key={j.jobId}>
          <span className="queue-prompt">
            {j.prompt} · seed {j.seed}
          </span>
          <button
            type="button"
            className="button"
            aria-label={`Cancel queued: ${j.prompt}`}
            onClick={() => void editor.cancelJob(j.jobId)}
          >
            ×
          </button>
        </li>
      ))}
    </ol>
  );
}
